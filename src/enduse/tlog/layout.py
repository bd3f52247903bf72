"""Where a tiled log keeps its hashes and entries: C2SP tlog-tiles paths and tile arithmetic.

https://c2sp.org/tlog-tiles. A tile at level L holds up to 256 consecutive Merkle hashes of
tree level 8L (level 0: leaf hashes; level L >= 1: roots of full tiles of level L-1). Only that
bottom row is stored; nodes of tree levels 8L+1 .. 8L+7 are recomputed by hashing a run of it
(as Go's sumdb/tlog ``tileForIndex``/``HashFromTile``). Entry bundles mirror the level-0 tiles.
Pure functions, no I/O: the log writer, its reader and the directory checker share them, so a
path or a width is computed in exactly one place.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

TILE_HEIGHT = 8  # tree levels per tile, fixed by tlog-tiles
TILE_WIDTH = 1 << TILE_HEIGHT  # hashes in a full tile; also entries in a full bundle
MAX_LEVEL = 63  # tlog-tiles: <L> is 0..63
MAX_INDEX = (1 << 64) - 1  # tile indexes are uint64, as in Go and Tessera
MAX_SIZE = (1 << 64) - 1  # the largest tree the arithmetic below is asked about

_GROUP = 1000  # <N> is written three decimal digits per path element
_MAX_GROUPS = len(str(MAX_INDEX)) // 3 + 1  # 7: a uint64 has at most 20 digits
_PATH = re.compile(
    r"tile/(?:(?P<entries>entries)|(?P<level>0|[1-9][0-9]?))/"
    r"(?P<index>(?:x[0-9]{3}/)*[0-9]{3})(?:\.p/(?P<width>[1-9][0-9]{0,2}))?"
)


def _check_int(name: str, value: int, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if not low <= value <= high:
        raise ValueError(f"{name} {value} is not in {low}..{high}")


def encode_index(n: int) -> str:
    """<N>: zero-padded 3-digit elements, all but the last prefixed "x" (1234067 -> x001/x234/067).

    Keeps any directory to at most 1000 xNNN and 1000 NNN[.p] children when served from disk.
    """
    _check_int("tile index", n, 0, MAX_INDEX)
    out = f"{n % _GROUP:03d}"
    n //= _GROUP
    while n:
        out = f"x{n % _GROUP:03d}/{out}"
        n //= _GROUP
    return out


def _suffix(width: int) -> str:
    _check_int("tile width", width, 1, TILE_WIDTH)
    return "" if width == TILE_WIDTH else f".p/{width}"


def tile_path(level: int, index: int, width: int = TILE_WIDTH) -> str:
    """The path of a tile: tile/<L>/<N>, or tile/<L>/<N>.p/<W> for a partial one of width W."""
    _check_int("tile level", level, 0, MAX_LEVEL)
    return f"tile/{level}/{encode_index(index)}{_suffix(width)}"


def entries_path(index: int, width: int = TILE_WIDTH) -> str:
    """The path tile/entries/<N>[.p/<W>] of the bundle of entries index*256 .. +width-1."""
    return f"tile/entries/{encode_index(index)}{_suffix(width)}"


def parse_tile_path(path: str) -> tuple[str, int, int, int]:
    """(kind, level, index, width) for a tile or bundle path; ValueError unless canonical.

    kind is "tile" or "entries" (level 0 for entries); width is 256 for a full tile. Only the
    exact text ``tile_path``/``entries_path`` would write is accepted, so one resource has one
    name: no leading zeros, no "x000/" prefix, no width 0 or >= 256, no level above 63.
    """
    if not isinstance(path, str):
        raise TypeError(f"tile path must be a str, not {type(path).__name__}")
    m = _PATH.fullmatch(path)
    if m is None:
        raise ValueError(f"malformed tile path {path[:100]!r}")
    groups = m["index"].split("/")
    if len(groups) > _MAX_GROUPS:
        raise ValueError(f"tile path {path[:100]!r}: index out of range")
    index = 0
    for group in groups:
        index = index * _GROUP + int(group.removeprefix("x"))
    level = 0 if m["entries"] else int(m["level"])
    width = int(m["width"]) if m["width"] else TILE_WIDTH
    if level > MAX_LEVEL or index > MAX_INDEX or (m["width"] and width >= TILE_WIDTH):
        raise ValueError(f"tile path {path[:100]!r}: level, index or width out of range")
    kind = "entries" if m["entries"] else "tile"
    canonical = entries_path(index, width) if kind == "entries" else tile_path(level, index, width)
    if canonical != path:  # e.g. "x000/001" for 1
        raise ValueError(f"non-canonical tile path {path[:100]!r} (want {canonical!r})")
    return kind, level, index, width


def _check_node(level: int, index: int) -> None:
    _check_int("node level", level, 0, MAX_LEVEL)
    _check_int("node index", index, 0, MAX_SIZE)
    if (index + 1) << level > MAX_SIZE:
        raise ValueError(f"node ({level}, {index}) lies beyond a tree of {MAX_SIZE} leaves")


def node_location(level: int, index: int) -> tuple[int, int, int, int]:
    """(tile_level, tile_index, start, count): the stored hashes that make node (level, index).

    The node is the complete subtree of height ``level`` over leaves
    [index * 2**level, (index+1) * 2**level). Its hash is the Merkle root of the ``count``
    (a power of two, 1..128) hashes at positions start .. start+count-1 in the bottom row of
    that tile; count == 1 means the hash is stored as is. Any tile of the same level and index
    with width >= start + count holds them, in particular the full tile.
    """
    _check_node(level, index)
    tile_level, k = divmod(level, TILE_HEIGHT)
    first = index << k  # the first hash of tree level 8*tile_level under the node
    return tile_level, first >> TILE_HEIGHT, first & (TILE_WIDTH - 1), 1 << k


def tile_for_node(level: int, index: int) -> tuple[int, int, int]:
    """(tile_level, tile_index, position) of a node that tiles store as is (level % 8 == 0).

    Nodes of other levels are not stored anywhere; ``node_location`` says how to rebuild them.
    """
    _check_node(level, index)
    if level % TILE_HEIGHT:
        raise ValueError(f"node level {level} is not stored in tiles (only multiples of 8)")
    return level // TILE_HEIGHT, index >> TILE_HEIGHT, index & (TILE_WIDTH - 1)


def tile_width(level: int, index: int, size: int) -> int:
    """Width of tile (level, index) in a tree of ``size`` leaves: 256 if full, else 1..255.

    tlog-tiles: the partial tile at level l has floor(size / 256**l) mod 256 hashes. ValueError
    if the tree has no such tile (a client must not fetch tiles its checkpoint does not imply).
    """
    _check_int("tile level", level, 0, MAX_LEVEL)
    _check_int("tile index", index, 0, MAX_INDEX)
    _check_int("tree size", size, 0, MAX_SIZE)
    stored = size >> (TILE_HEIGHT * level)  # hashes of tree level 8*level
    full, partial = divmod(stored, TILE_WIDTH)
    if index < full:
        return TILE_WIDTH
    if index == full and partial:
        return partial
    raise ValueError(f"a tree of size {size} has no tile {index} at level {level}")


def tiles_between(old_size: int, new_size: int) -> Iterator[tuple[int, int, int]]:
    """(level, index, width) of every tile a tree of ``new_size`` has and one of ``old_size``
    does not have in the same form, by level then index: what a writer must store when it
    grows the tree. The full tiles completed in between, and the partial tiles of new_size
    unless unchanged. Lazy, since a big log has millions of full tiles.
    """
    _check_int("old tree size", old_size, 0, MAX_SIZE)
    _check_int("new tree size", new_size, old_size, MAX_SIZE)
    level = 0
    while new_size >> (TILE_HEIGHT * level):
        new_stored = new_size >> (TILE_HEIGHT * level)
        old_stored = old_size >> (TILE_HEIGHT * level)
        new_full, width = divmod(new_stored, TILE_WIDTH)
        for index in range(old_stored // TILE_WIDTH, new_full):
            yield level, index, TILE_WIDTH
        if width and old_stored != new_stored:
            yield level, new_full, width
        level += 1


def tiles_for_size(size: int) -> list[tuple[int, int, int]]:
    """(level, index, width) of all the tiles, full and partial, of a tree of ``size`` leaves.

    E.g. 256 -> [(0, 0, 256), (1, 0, 1)]. O(size / 256) items: for growth use tiles_between.
    """
    return list(tiles_between(0, size))


def entry_tiles_for_size(size: int) -> list[tuple[int, int]]:
    """(index, width) of all the entry bundles of a log of ``size`` entries (width 256 = full)."""
    _check_int("tree size", size, 0, MAX_SIZE)
    full, width = divmod(size, TILE_WIDTH)
    return [(index, TILE_WIDTH) for index in range(full)] + ([(full, width)] if width else [])
