"""Tests for enduse.tlog.entries: C2SP tlog-tiles entry bundles."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enduse.tlog.entries import MAX_BUNDLE_ENTRIES, MAX_ENTRY_SIZE, decode_bundle, encode_bundle


def test_encoding_is_big_endian_uint16_prefixes() -> None:
    assert encode_bundle([b"", b"a", b"bc"]) == b"\x00\x00" + b"\x00\x01a" + b"\x00\x02bc"
    assert encode_bundle([b"x" * 0x1234])[:2] == b"\x12\x34"
    assert decode_bundle(b"\x00\x03abc\x00\x00\x01\x00" + b"z" * 256) == [b"abc", b"", b"z" * 256]


@given(st.lists(st.binary(max_size=300), min_size=1, max_size=MAX_BUNDLE_ENTRIES))
def test_round_trip(entries: list[bytes]) -> None:
    data = encode_bundle(entries)
    assert len(data) == sum(2 + len(e) for e in entries)
    assert decode_bundle(data) == entries
    assert decode_bundle(data, len(entries)) == entries


def test_largest_entry_and_fullest_bundle() -> None:
    big = bytes(range(256)) * 255 + b"\xff" * 255
    assert len(big) == MAX_ENTRY_SIZE
    data = encode_bundle([big])
    assert data[:2] == b"\xff\xff"
    assert decode_bundle(data, 1) == [big]
    full = [i.to_bytes(2, "big") for i in range(256)]
    assert decode_bundle(encode_bundle(full), 256) == full


def test_accepts_bytes_like() -> None:
    data = encode_bundle([bytearray(b"ab"), memoryview(b"cd")])
    assert decode_bundle(bytearray(data)) == [b"ab", b"cd"]
    assert decode_bundle(memoryview(data)) == [b"ab", b"cd"]
    assert all(type(e) is bytes for e in decode_bundle(memoryview(data)))


def test_encode_refuses() -> None:
    with pytest.raises(ValueError, match="entry 1 is 65536 bytes"):
        encode_bundle([b"", b"x" * (MAX_ENTRY_SIZE + 1)])
    with pytest.raises(ValueError, match="257 entries"):
        encode_bundle([b""] * 257)
    with pytest.raises(ValueError, match="at least one entry"):
        encode_bundle([])
    with pytest.raises(TypeError):
        encode_bundle(b"abc")
    with pytest.raises(TypeError):
        encode_bundle("abc")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="entry 0 is str"):
        encode_bundle(["abc"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="entry 0 is int"):
        encode_bundle([3])  # type: ignore[list-item]


def test_decode_refuses_every_truncation() -> None:
    entries = [b"abc", b"", b"defgh"]
    data = encode_bundle(entries)
    for cut in range(len(data)):
        with pytest.raises(ValueError):
            decode_bundle(data[:cut], 3)
    # Without a count, only cuts between entries decode, to a prefix of the entries.
    for cut in range(1, len(data)):
        try:
            got = decode_bundle(data[:cut])
        except ValueError as e:
            assert "truncated" in str(e)
        else:
            assert got == entries[: len(got)] and len(got) < 3
            assert cut in (5, 7)


def test_decode_messages() -> None:
    with pytest.raises(ValueError, match="empty entry bundle"):
        decode_bundle(b"")
    with pytest.raises(ValueError, match="truncated length prefix of entry 1 at byte 3"):
        decode_bundle(b"\x00\x01a\x00")
    with pytest.raises(ValueError, match="entry 0 is truncated: 5 bytes declared, 2 left"):
        decode_bundle(b"\x00\x05ab")
    with pytest.raises(ValueError, match="2 trailing byte"):
        decode_bundle(b"\x00\x01a\x00\x00", 1)
    with pytest.raises(ValueError, match="holds 1 entries, want 2"):
        decode_bundle(b"\x00\x01a", 2)


def test_decode_refuses_more_than_256_entries() -> None:
    data = b"\x00\x00" * 257
    with pytest.raises(ValueError, match="more than 256 entries"):
        decode_bundle(data)
    assert decode_bundle(data[:-2]) == [b""] * 256


@pytest.mark.parametrize("count", [0, -1, 257, True, 1.0])
def test_decode_refuses_impossible_counts(count: object) -> None:
    with pytest.raises(ValueError, match="expected_count"):
        decode_bundle(b"\x00\x00", count)  # type: ignore[arg-type]


def test_decode_refuses_non_bytes() -> None:
    with pytest.raises(TypeError):
        decode_bundle("\x00\x00")  # type: ignore[arg-type]


@given(st.binary(max_size=64), st.one_of(st.none(), st.integers(1, 4)))
def test_decode_never_misreads(data: bytes, count: int | None) -> None:
    """Whatever decodes re-encodes to exactly the same bytes; the rest is a ValueError."""
    try:
        entries = decode_bundle(data, count)
    except ValueError:
        return
    assert encode_bundle(entries) == data
    assert count is None or len(entries) == count
