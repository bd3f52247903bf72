"""Entry bundles: C2SP tlog-tiles (https://c2sp.org/tlog-tiles) "tile/entries/<N>[.p/<W>]" data.

A bundle is up to 256 log entries, each a big-endian uint16 length then that many bytes, so an
entry is at most 65,535 bytes. Entry i of bundle N is leaf N*256+i, and its RFC 6962 leaf hash
is hash i of the level-0 tile N: decoding is strict so that a bundle has exactly one reading
and a reader can tell a short or padded file from a valid one.
"""

from __future__ import annotations

from collections.abc import Sequence

from enduse.tlog.layout import TILE_WIDTH

MAX_ENTRY_SIZE = 0xFFFF  # the uint16 length prefix
MAX_BUNDLE_ENTRIES = TILE_WIDTH  # a bundle mirrors one level-0 tile


def encode_bundle(entries: Sequence[bytes]) -> bytes:
    """Concatenate 1..256 length-prefixed entries; ValueError for a longer entry or list.

    Empty bundles are refused: tlog-tiles never serves an empty tile.
    """
    if isinstance(entries, bytes | bytearray | memoryview | str):
        raise TypeError("entries must be a sequence of bytes, not one bytes or str value")
    if not entries:
        raise ValueError("an entry bundle holds at least one entry")
    if len(entries) > MAX_BUNDLE_ENTRIES:
        raise ValueError(f"{len(entries)} entries, a bundle holds at most {MAX_BUNDLE_ENTRIES}")
    out = bytearray()
    for i, entry in enumerate(entries):
        if not isinstance(entry, bytes | bytearray | memoryview):
            raise TypeError(f"entry {i} is {type(entry).__name__}, not bytes")
        data = bytes(entry)
        if len(data) > MAX_ENTRY_SIZE:
            raise ValueError(f"entry {i} is {len(data)} bytes, at most {MAX_ENTRY_SIZE} fit")
        out += len(data).to_bytes(2, "big")
        out += data
    return bytes(out)


def decode_bundle(data: bytes, expected_count: int | None = None) -> list[bytes]:
    """Split a bundle into its entries; ValueError unless it is exactly 1..256 whole entries.

    With ``expected_count`` (the tile width the path or checkpoint implies) the bundle must hold
    exactly that many: fewer, or bytes left after them, is an error.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"bundle must be bytes, not {type(data).__name__}")
    if expected_count is not None and (
        isinstance(expected_count, bool)
        or not isinstance(expected_count, int)
        or not 1 <= expected_count <= MAX_BUNDLE_ENTRIES
    ):
        raise ValueError(f"expected_count {expected_count!r} is not in 1..{MAX_BUNDLE_ENTRIES}")
    view = memoryview(data).cast("B")
    if not view:
        raise ValueError("empty entry bundle")
    limit = MAX_BUNDLE_ENTRIES if expected_count is None else expected_count
    entries: list[bytes] = []
    pos = 0
    while pos < len(view):
        if len(entries) == limit:
            if expected_count is None:
                raise ValueError(f"bundle holds more than {MAX_BUNDLE_ENTRIES} entries")
            raise ValueError(
                f"{len(view) - pos} trailing byte(s) after the {expected_count} expected entries"
            )
        if pos + 2 > len(view):
            raise ValueError(f"truncated length prefix of entry {len(entries)} at byte {pos}")
        size = int.from_bytes(view[pos : pos + 2], "big")
        pos += 2
        if pos + size > len(view):
            raise ValueError(
                f"entry {len(entries)} is truncated: {size} bytes declared, {len(view) - pos} left"
            )
        entries.append(bytes(view[pos : pos + size]))
        pos += size
    if expected_count is not None and len(entries) != expected_count:
        raise ValueError(f"bundle holds {len(entries)} entries, want {expected_count}")
    return entries
