"""Tests for enduse.tlog.layout against C2SP tlog-tiles, Tessera's layout and brute-force models."""

from __future__ import annotations

import hashlib
from functools import cache

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enduse.tlog.layout import (
    MAX_INDEX,
    MAX_SIZE,
    TILE_WIDTH,
    encode_index,
    entries_path,
    entry_tiles_for_size,
    node_location,
    parse_tile_path,
    tile_for_node,
    tile_path,
    tile_width,
    tiles_between,
    tiles_for_size,
)

# --- models -------------------------------------------------------------------------------


def model_tiles(size: int) -> set[tuple[int, int, int]]:
    """Tiles straight from the spec: tile (L, N) holds the level-8L hashes j with j // 256 == N,
    and there are size // 256**L hashes at level 8L."""
    tiles: dict[tuple[int, int], int] = {}
    level = 0
    while size // 256**level:
        for j in range(size // 256**level):
            tiles[(level, j // 256)] = tiles.get((level, j // 256), 0) + 1
        level += 1
    return {(lvl, n, w) for (lvl, n), w in tiles.items()}


def model_location(level: int, index: int) -> tuple[int, int, list[int]]:
    """The level-8L hashes whose leaf ranges lie inside the node's, found by scanning."""
    tile_level = level // 8
    span = 256**tile_level
    first_leaf, end_leaf = index << level, (index + 1) << level
    inside = [
        j
        for j in range(first_leaf // span, end_leaf // span + 1)
        if first_leaf <= j * span and (j + 1) * span <= end_leaf
    ]
    assert inside, "every node covers at least one stored hash"
    tiles = {j // 256 for j in inside}
    assert len(tiles) == 1, "a node never straddles two tiles"
    return tile_level, tiles.pop(), [j % 256 for j in inside]


def leaf_hash(i: int) -> bytes:
    return hashlib.sha256(b"\x00" + i.to_bytes(8, "big")).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def mth(leaves: list[bytes]) -> bytes:
    """RFC 6962 MTH over leaf hashes, by its recursive definition."""
    if len(leaves) == 1:
        return leaves[0]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)  # largest power of two < n
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


@cache
def tree_levels(size: int) -> list[list[bytes]]:
    """levels[h][i] = hash of the complete subtree of height h at index i."""
    levels = [[leaf_hash(i) for i in range(size)]]
    while len(levels[-1]) > 1:
        row = levels[-1]
        levels.append([node_hash(row[i], row[i + 1]) for i in range(0, len(row) - 1, 2)])
    return levels


def tile_data(size: int) -> dict[tuple[int, int], list[bytes]]:
    """What a log of ``size`` stores: each tile's bottom row, cut by tiles_for_size."""
    levels = tree_levels(size)
    return {
        (level, index): levels[8 * level][index * 256 : index * 256 + width]
        for level, index, width in tiles_for_size(size)
    }


def root_of_run(hashes: list[bytes]) -> bytes:
    assert len(hashes) & (len(hashes) - 1) == 0, "a run is a power of two"
    while len(hashes) > 1:
        hashes = [node_hash(hashes[i], hashes[i + 1]) for i in range(0, len(hashes), 2)]
    return hashes[0]


# --- <N> encoding and paths ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "want"),
    [
        (0, "000"),
        (7, "007"),
        (999, "999"),
        (1000, "x001/000"),
        (1001, "x001/001"),
        (999_999, "x999/999"),
        (1_000_000, "x001/x000/000"),
        (1234067, "x001/x234/067"),  # the tlog-tiles example
        (MAX_INDEX, "x018/x446/x744/x073/x709/x551/615"),
    ],
)
def test_encode_index(n: int, want: str) -> None:
    assert encode_index(n) == want


@pytest.mark.parametrize("n", [-1, MAX_INDEX + 1])
def test_encode_index_range(n: int) -> None:
    with pytest.raises(ValueError, match="not in"):
        encode_index(n)


@pytest.mark.parametrize("n", [True, 1.0, "1"])
def test_encode_index_type(n: object) -> None:
    with pytest.raises(TypeError):
        encode_index(n)  # type: ignore[arg-type]


def test_paths_match_spec_and_tessera() -> None:
    assert tile_path(0, 1234067) == "tile/0/x001/x234/067"
    assert tile_path(4, 1234067, 8) == "tile/4/x001/x234/067.p/8"
    assert tile_path(63, 0, 255) == "tile/63/000.p/255"
    assert tile_path(1, 0, TILE_WIDTH) == "tile/1/000"
    # Tessera's layout.EntriesPath(1234067, 8) example output.
    assert entries_path(1234067, 8) == "tile/entries/x001/x234/067.p/8"
    assert entries_path(0) == "tile/entries/000"
    assert entries_path(5, 1) == "tile/entries/005.p/1"


@pytest.mark.parametrize(
    ("level", "index", "width"), [(-1, 0, 256), (64, 0, 256), (0, -1, 256), (0, 0, 0), (0, 0, 257)]
)
def test_tile_path_range(level: int, index: int, width: int) -> None:
    with pytest.raises(ValueError):
        tile_path(level, index, width)


@pytest.mark.parametrize("width", [0, 257, -3])
def test_entries_path_range(width: int) -> None:
    with pytest.raises(ValueError):
        entries_path(0, width)


@given(
    st.integers(0, 63),
    st.one_of(st.integers(0, 10**7), st.integers(0, MAX_INDEX)),
    st.integers(1, 256),
)
def test_parse_round_trip(level: int, index: int, width: int) -> None:
    assert parse_tile_path(tile_path(level, index, width)) == ("tile", level, index, width)
    assert parse_tile_path(entries_path(index, width)) == ("entries", 0, index, width)


@pytest.mark.parametrize(
    "path",
    [
        "",
        "tile",
        "tile/0",
        "tile/0/",
        "tile/0/1",  # not zero-padded
        "tile/0/0001",
        "tile/0/x000/001",  # 1 written with a leading zero group
        "tile/0/x001",  # last element prefixed
        "tile/0/001/234",  # inner element not prefixed
        "tile/0/x001/x234",
        "tile/0/X001/000",
        "tile/0/x01/000",
        "tile/00/000",  # level with a leading zero
        "tile/01/000",
        "tile/64/000",  # level out of range
        "tile/99/000",
        "tile/-1/000",
        "tile/+1/000",
        "tile/ 1/000",
        "tile/0/000.p/0",  # width 0
        "tile/0/000.p/256",  # a full tile has no .p
        "tile/0/000.p/300",
        "tile/0/000.p/08",
        "tile/0/000.p/+8",
        "tile/0/000.p/",
        "tile/0/000.p",
        "tile/0/000.p/8/",
        "tile/0/000/",
        "/tile/0/000",
        "tiles/0/000",
        "tile/0/000\n",
        "tile/0/0_0",
        "tile/0/\u0660\u0660\u0660",  # Arabic-Indic digits, which int() would take
        "tile/\u0661/000",
        "tile/data/000",
        "tile/entries/0/000",
        "tile/entries/x000/000",
        "tile/entries/000.p/256",
        "tile/entries",
        "tile/0/x018/x446/x744/x073/x709/x551/616",  # 2**64
        "tile/0/x001/x018/x446/x744/x073/x709/x551/615",
    ],
)
def test_parse_rejects(path: str) -> None:
    with pytest.raises(ValueError):
        parse_tile_path(path)


def test_parse_reports_canonical_form() -> None:
    with pytest.raises(ValueError, match="want 'tile/0/001'"):
        parse_tile_path("tile/0/x000/001")


@given(st.text(alphabet="tile/entrx0123456789.p", max_size=40))
def test_parse_accepts_only_what_it_writes(path: str) -> None:
    try:
        kind, level, index, width = parse_tile_path(path)
    except ValueError:
        return
    again = entries_path(index, width) if kind == "entries" else tile_path(level, index, width)
    assert again == path


# --- nodes ----------------------------------------------------------------------------------


@pytest.mark.parametrize("level", range(25))
def test_node_location_matches_model(level: int) -> None:
    for index in [*range(300), *range(65530, 65545), (1 << 20) + 12345]:
        tile_level, tile_index, start, count = node_location(level, index)
        want_level, want_index, positions = model_location(level, index)
        assert (tile_level, tile_index) == (want_level, want_index)
        assert list(range(start, start + count)) == positions
        assert start % count == 0 and start + count <= TILE_WIDTH


def test_node_location_examples() -> None:
    assert node_location(0, 1234) == (0, 4, 210, 1)
    assert node_location(3, 5) == (0, 0, 40, 8)
    assert node_location(7, 3) == (0, 1, 128, 128)
    assert node_location(8, 3) == (1, 0, 3, 1)
    assert node_location(15, 1) == (1, 0, 128, 128)
    assert node_location(16, 0) == (2, 0, 0, 1)
    assert node_location(63, 0) == (7, 0, 0, 128)


def test_tile_for_node() -> None:
    assert tile_for_node(0, 1234) == (0, 4, 210)
    assert tile_for_node(8, 300) == (1, 1, 44)
    assert tile_for_node(16, 0) == (2, 0, 0)
    for level in (1, 7, 9, 15):
        with pytest.raises(ValueError, match="not stored"):
            tile_for_node(level, 0)
    for level in range(0, 64, 8):
        for index in (0, 1, 255, 256, 70000):
            if (index + 1) << level <= MAX_SIZE:
                tl, ti, pos = tile_for_node(level, index)
                assert node_location(level, index) == (tl, ti, pos, 1)


@pytest.mark.parametrize(
    ("level", "index"), [(-1, 0), (0, -1), (64, 0), (63, 1), (0, MAX_SIZE), (8, 1 << 56)]
)
def test_node_out_of_range(level: int, index: int) -> None:
    with pytest.raises(ValueError):
        node_location(level, index)
    with pytest.raises(ValueError):
        tile_for_node(level, index)


@pytest.mark.parametrize("size", [1, 2, 3, 7, 255, 256, 257, 511, 512, 513, 1100])
def test_every_node_rebuilt_from_tiles(size: int) -> None:
    """Each complete subtree's hash comes out of the stored run node_location names, and that
    run lies in a tile the tree has, within its width."""
    tiles = tile_data(size)
    levels = tree_levels(size)
    for level, row in enumerate(levels):
        for index, want in enumerate(row):
            tile_level, tile_index, start, count = node_location(level, index)
            assert start + count <= tile_width(tile_level, tile_index, size)
            run = tiles[(tile_level, tile_index)][start : start + count]
            assert root_of_run(run) == want, (size, level, index)


def test_nodes_rebuilt_from_level_1_and_2_tiles() -> None:
    """A tree big enough for a level-2 tile (70,000 leaves is the tlog-tiles example)."""
    size = 70_000
    tiles = tile_data(size)
    levels = tree_levels(size)
    for level in range(8, len(levels)):
        for index, want in enumerate(levels[level]):
            tile_level, tile_index, start, count = node_location(level, index)
            assert start + count <= tile_width(tile_level, tile_index, size)
            assert root_of_run(tiles[(tile_level, tile_index)][start : start + count]) == want
    for level in range(8):  # low nodes near the right edge, in the partial level-0 tile
        for index in range(len(levels[level]) - 3, len(levels[level])):
            _, tile_index, start, count = node_location(level, index)
            assert (
                root_of_run(tiles[(0, tile_index)][start : start + count]) == levels[level][index]
            )


def test_tiles_hold_what_the_spec_defines() -> None:
    """tile n at level l, hash i = MTH(D[(n*256+i) * 256**l : (n*256+i+1) * 256**l])."""
    size = 70_000
    leaves = tree_levels(size)[0]
    for (level, n), hashes in tile_data(size).items():
        for i in {0, len(hashes) // 2, len(hashes) - 1}:
            lo, hi = (n * 256 + i) * 256**level, (n * 256 + i + 1) * 256**level
            assert hashes[i] == mth(leaves[lo:hi]), (level, n, i)


# --- the tiles of a tree --------------------------------------------------------------------


def test_tiles_for_size_spec_examples() -> None:
    assert tiles_for_size(0) == []
    assert tiles_for_size(1) == [(0, 0, 1)]
    assert tiles_for_size(255) == [(0, 0, 255)]
    assert tiles_for_size(256) == [(0, 0, 256), (1, 0, 1)]
    tiles = tiles_for_size(70_000)
    assert [t for t in tiles if t[0] == 0 and t[2] == 256] == [(0, n, 256) for n in range(273)]
    assert [t for t in tiles if t[0] == 0 and t[2] < 256] == [(0, 273, 112)]
    assert [t for t in tiles if t[0] > 0] == [(1, 0, 256), (1, 1, 17), (2, 0, 1)]
    assert len(tiles) == 273 + 4


def test_tiles_for_size_matches_model_exhaustively() -> None:
    for size in range(0, 2 * 256 * 3 + 7):
        tiles = tiles_for_size(size)
        assert set(tiles) == model_tiles(size), size
        assert tiles == sorted(tiles), "by level, then index"


@pytest.mark.parametrize("size", [65535, 65536, 65537, 65536 + 256, 70_000, 256 * 257])
def test_tiles_for_size_matches_model_at_level_2(size: int) -> None:
    assert set(tiles_for_size(size)) == model_tiles(size)


def test_tiles_for_big_sizes() -> None:
    # Only the level-0 partial tile differs; the others are the same tiles at both sizes.
    assert list(tiles_between(MAX_SIZE - 1, MAX_SIZE)) == [(0, MAX_SIZE // 256, 255)]
    assert tile_width(7, 0, MAX_SIZE) == 255  # (2**64 - 1) >> 56
    assert tile_width(6, 254, MAX_SIZE) == 256
    with pytest.raises(ValueError):
        tile_width(8, 0, MAX_SIZE)
    assert list(tiles_between(256**3, 256**3)) == []
    assert list(tiles_between(256**3 - 1, 256**3)) == [
        (0, 65535, 256),
        (1, 255, 256),
        (2, 0, 256),
        (3, 0, 1),
    ]


def test_tiles_between_is_the_difference() -> None:
    sizes = [*range(0, 40), *range(250, 262), *range(505, 520), 65535, 65536, 65537, 66000]
    for old in sizes:
        old_tiles = set(tiles_for_size(old))
        for new in sizes:
            if new < old:
                continue
            got = list(tiles_between(old, new))
            assert got == sorted(set(tiles_for_size(new)) - old_tiles), (old, new)


def test_tiles_between_refuses_shrinking() -> None:
    with pytest.raises(ValueError):
        list(tiles_between(5, 4))
    with pytest.raises(ValueError):
        tiles_for_size(-1)
    with pytest.raises(ValueError):
        tiles_for_size(MAX_SIZE + 1)


def test_entry_tiles_for_size() -> None:
    assert entry_tiles_for_size(0) == []
    assert entry_tiles_for_size(1) == [(0, 1)]
    assert entry_tiles_for_size(256) == [(0, 256)]
    assert entry_tiles_for_size(70_000)[-2:] == [(272, 256), (273, 112)]
    for size in range(0, 1100, 7):
        want = [(index, width) for level, index, width in tiles_for_size(size) if level == 0]
        assert entry_tiles_for_size(size) == want
    with pytest.raises(ValueError):
        entry_tiles_for_size(-1)


def test_tile_width() -> None:
    assert tile_width(0, 0, 256) == 256
    assert tile_width(1, 0, 256) == 1
    assert tile_width(0, 273, 70_000) == 112
    assert tile_width(1, 1, 70_000) == 17
    assert tile_width(2, 0, 70_000) == 1
    for level, index, size in [
        (0, 1, 256),
        (2, 0, 65535),
        (0, 0, 0),
        (1, 2, 70_000),
        (3, 0, 70_000),
    ]:
        with pytest.raises(ValueError, match="has no tile"):
            tile_width(level, index, size)
    for size in range(0, 600):
        for level, index, width in tiles_for_size(size):
            assert tile_width(level, index, size) == width
