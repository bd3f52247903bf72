"""Check a whole tlog-tiles directory from its entry bundles up, against the log's key.

Independent of the writer: it reads only what the C2SP layout defines
(`checkpoint`, `tile/<L>/<N>[.p/<W>]`, `tile/entries/<N>[.p/<W>]`), so it
checks a log written by any tlog-tiles implementation. Memory holds one tile
per level at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

from enduse.docs import note
from enduse.tlog import merkle
from enduse.tlog.checkpoint import open_checkpoint
from enduse.tlog.entries import decode_bundle
from enduse.tlog.layout import entries_path, node_location, tile_path, tile_width
from enduse.tlog.log import WIDTH, perfect_root
from enduse.tlog.storage import TileStorage


class DirectoryInvalid(ValueError):
    pass


@dataclass(frozen=True)
class Verified:
    size: int
    root: bytes


def verify_directory(storage: TileStorage, verifier: note.Verifier) -> Verified:
    text = storage.read("checkpoint")
    if text is None:
        raise DirectoryInvalid("checkpoint: missing")
    checkpoint, _ = open_checkpoint(text.decode("utf-8", "replace"), verifier, verifier.name)
    size = checkpoint.size

    def read(path: str, width: int, item: int | None) -> bytes:
        data = storage.read(path)
        if data is None:
            raise DirectoryInvalid(f"{path}: missing")
        if item is not None and len(data) != width * item:
            raise DirectoryInvalid(f"{path}: {len(data)} bytes, expected {width * item}")
        return data

    # Level 0 from the entries; each level's tiles from the level below, compared as we go.
    count = size
    level = 0
    below: list[bytes] = []
    while True:
        produced: list[bytes] = []
        for start in range(0, count, WIDTH):
            width = min(WIDTH, count - start)
            tile_index = start // WIDTH
            if level == 0:
                path = entries_path(tile_index, width if width < WIDTH else WIDTH)
                try:
                    entries = decode_bundle(read(path, width, None), width)
                except ValueError as e:
                    raise DirectoryInvalid(f"{path}: {e}") from None
                hashes = [merkle.leaf_hash(e) for e in entries]
            else:
                hashes = below[start : start + width]
            path = tile_path(level, tile_index, width if width < WIDTH else WIDTH)
            stored = read(path, width, merkle.HASH_SIZE)
            if stored != b"".join(hashes):
                for i in range(width):
                    if stored[i * 32 : i * 32 + 32] != hashes[i]:
                        raise DirectoryInvalid(
                            f"{path}: hash {i} (index {start + i} at level {level}) does not match "
                            f"what the {'entries' if level == 0 else 'level below'} give"
                        )
            if width == WIDTH:
                produced.append(perfect_root(hashes))
        if count < WIDTH:
            break
        below, count, level = produced, len(produced), level + 1
    root = _root(storage, size)
    if root != checkpoint.root:
        raise DirectoryInvalid(f"checkpoint: root does not match the tiles at size {size}")
    return Verified(size, root)


def _root(storage: TileStorage, size: int) -> bytes:
    def node(level: int, index: int) -> bytes:
        tile_level, tile_index, offset, n = node_location(level, index)
        width = tile_width(tile_level, tile_index, size)
        data = storage.read(tile_path(tile_level, tile_index, width if width < WIDTH else WIDTH))
        if data is None:
            raise DirectoryInvalid(f"{tile_path(tile_level, tile_index, width)}: missing")
        hashes = [data[i : i + 32] for i in range(offset * 32, (offset + n) * 32, 32)]
        return perfect_root(hashes)

    return merkle.root_from_nodes(size, node)
