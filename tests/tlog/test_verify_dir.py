"""verify-dir on a directory built straight from the C2SP tlog-tiles definitions, not by our writer."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

from enduse.docs import note
from enduse.tlog import merkle
from enduse.tlog.storage import DirectoryStorage
from enduse.tlog.verify_dir import DirectoryInvalid, verify_directory

ORIGIN = "spec.test.example/log"


def index_path(n: int) -> str:
    """tlog-tiles: zero-padded groups of three digits, all but the last prefixed with x."""
    groups = []
    while True:
        groups.append(n % 1000)
        n //= 1000
        if not n:
            break
    groups.reverse()
    return "/".join([f"x{g:03d}" for g in groups[:-1]] + [f"{groups[-1]:03d}"])


def build(root: Path, entries: list[bytes]) -> tuple[str, bytes]:
    """Every file by the spec's formulas: tile (l, n) position i = MTH of leaves
    [(n*256+i)*256**l, (n*256+i+1)*256**l); partial tiles hold what is complete."""
    size = len(entries)
    leaves = [merkle.leaf_hash(e) for e in entries]

    def write(path: str, data: bytes) -> None:
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)

    for n in range(0, (size + 255) // 256):
        chunk = entries[n * 256 : n * 256 + 256]
        suffix = "" if len(chunk) == 256 else f".p/{len(chunk)}"
        write(
            f"tile/entries/{index_path(n)}{suffix}",
            b"".join(len(e).to_bytes(2, "big") + e for e in chunk),
        )
    level = 0
    while size >> (8 * level):
        span = 256**level
        count = size // span  # complete subtrees of this height
        for n in range(0, (count + 255) // 256):
            hashes = [merkle.root_from_leaves(leaves[(n * 256 + i) * span : (n * 256 + i + 1) * span])
                      for i in range(min(256, count - n * 256))]  # fmt: skip
            suffix = "" if len(hashes) == 256 else f".p/{len(hashes)}"
            write(f"tile/{level}/{index_path(n)}{suffix}", b"".join(hashes))
        level += 1
    root_hash = merkle.root_from_leaves(leaves)
    key, vkey = note.generate_ed25519(ORIGIN)
    body = f"{ORIGIN}\n{size}\n{base64.b64encode(root_hash).decode()}\n"
    write("checkpoint", note.sign(body, [note.ed25519_signer(ORIGIN, key)]).encode())
    return vkey, root_hash


@pytest.mark.parametrize("size", [1, 255, 256, 257, 65536 + 300])
def test_a_spec_built_directory_verifies(tmp_path, size):
    entries = [f"spec entry {i}".encode() for i in range(size)]
    vkey, root_hash = build(tmp_path, entries)
    result = verify_directory(DirectoryStorage(tmp_path), note.parse_vkey(vkey))
    assert (result.size, result.root) == (size, root_hash)


def test_what_fails_is_named(tmp_path):
    entries = [f"e{i}".encode() for i in range(600)]
    vkey, _ = build(tmp_path, entries)
    verifier = note.parse_vkey(vkey)
    bundle = tmp_path / "tile/entries/001"
    original = bundle.read_bytes()
    bundle.write_bytes(original.replace(b"e300", b"E300"))
    with pytest.raises(DirectoryInvalid, match=r"tile/0/001: hash 44 \(index 300 at level 0\)"):
        verify_directory(DirectoryStorage(tmp_path), verifier)
    bundle.write_bytes(original)
    partial = tmp_path / "tile/0/002.p/88"
    partial.write_bytes(partial.read_bytes() + b"\x00" * 32)
    with pytest.raises(
        DirectoryInvalid, match=re.escape("tile/0/002.p/88: 2848 bytes, expected 2816")
    ):
        verify_directory(DirectoryStorage(tmp_path), verifier)
    partial.unlink()
    with pytest.raises(DirectoryInvalid, match=re.escape("tile/0/002.p/88: missing")):
        verify_directory(DirectoryStorage(tmp_path), verifier)
    _, other = note.generate_ed25519(ORIGIN)
    with pytest.raises(note.NoteError):
        verify_directory(DirectoryStorage(tmp_path), note.parse_vkey(other))


def test_a_fifo_or_a_directory_in_place_of_a_tile_is_refused_without_hanging(tmp_path):
    import os
    import time

    from enduse.tlog.storage import StorageError

    entries = [f"e{i}".encode() for i in range(600)]
    vkey, _ = build(tmp_path, entries)
    tile = tmp_path / "tile/0/001"
    tile.unlink()
    os.mkfifo(tile)
    started = time.monotonic()
    with pytest.raises(StorageError, match="not a regular file"):
        verify_directory(DirectoryStorage(tmp_path), note.parse_vkey(vkey))
    assert time.monotonic() - started < 2
    tile.unlink()
    tile.mkdir()
    with pytest.raises(StorageError, match=r"(?i)directory"):
        verify_directory(DirectoryStorage(tmp_path), note.parse_vkey(vkey))
