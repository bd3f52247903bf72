"""Tests for enduse.docs.base45 against RFC 9285 and the reference PyPI `base45` package."""

from __future__ import annotations

import re

import base45 as reference
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from enduse.docs.base45 import ALPHABET, Base45Error, b45decode, b45encode

# RFC 9285 §4.3 and §4.4 examples.
RFC_EXAMPLES = [
    (b"AB", "BB8"),
    (b"Hello!!", "%69 VD92EX0"),
    (b"base-45", "UJCLQE7W581"),
    (b"ietf!", "QED8WEX0"),
]


@pytest.mark.parametrize(("raw", "encoded"), RFC_EXAMPLES)
def test_rfc9285_encode(raw: bytes, encoded: str) -> None:
    assert b45encode(raw) == encoded


@pytest.mark.parametrize(("raw", "encoded"), RFC_EXAMPLES)
def test_rfc9285_decode_str_and_bytes(raw: bytes, encoded: str) -> None:
    assert b45decode(encoded) == raw
    assert b45decode(encoded.encode("ascii")) == raw


def test_empty() -> None:
    assert b45encode(b"") == ""
    assert b45decode("") == b""
    assert b45decode(b"") == b""


def test_extremes() -> None:
    assert b45encode(b"\x00\x00") == "000"
    assert b45encode(b"\x00") == "00"
    assert b45encode(b"\xff\xff") == "FGW"  # 65535 = 15 + 16*45 + 32*2025
    assert b45encode(b"\xff") == "U5"  # 255 = 30 + 5*45
    assert b45decode("FGW") == b"\xff\xff"
    assert b45decode("U5") == b"\xff"


def test_alphabet_is_rfc9285() -> None:
    assert ALPHABET == "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
    assert len(ALPHABET) == 45


def test_single_bytes_map_to_two_characters() -> None:
    for value in range(256):
        text = b45encode(bytes([value]))
        assert text == ALPHABET[value % 45] + ALPHABET[value // 45]
        assert b45decode(text) == bytes([value])


def test_encode_accepts_bytes_like() -> None:
    assert b45encode(bytearray(b"AB")) == "BB8"
    assert b45encode(memoryview(b"Hello!!")) == "%69 VD92EX0"


# --- errors -------------------------------------------------------------------------------


def _raises_at(text: str | bytes, position: int, what: str) -> Base45Error:
    with pytest.raises(Base45Error) as info:
        b45decode(text)
    message = str(info.value)
    assert re.search(rf"\b{position}\b", message), message
    assert what in message, message
    return info.value


@pytest.mark.parametrize("text", ["A", "BB8A", "%69 VD92EX0AB", "0000"])
def test_length_one_mod_three(text: str) -> None:
    assert len(text) % 3 == 1
    _raises_at(text, len(text), "length")


def test_length_checked_for_bytes_input_too() -> None:
    _raises_at(b"BB8A", 4, "length")


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("bb8", 0),  # lowercase is not in the alphabet
        ("BB8bb8", 3),
        ("BB!", 2),
        ("AB!", 2),
        ("BBé", 2),  # non-ASCII
        ("éBB", 0),
        ("BB8BB8€B", 6),
        ("BB\n", 2),
        ("BB\x00", 2),
        ("B_", 1),
    ],
)
def test_character_outside_alphabet(text: str, position: int) -> None:
    _raises_at(text, position, "alphabet")


def test_non_ascii_bytes_input() -> None:
    _raises_at(b"AB\xe9", 2, "alphabet")


def test_first_bad_character_is_named() -> None:
    _raises_at("BB8a!é", 3, "alphabet")


def test_non_ascii_character_is_named_in_message() -> None:
    with pytest.raises(Base45Error, match="é"):
        b45decode("BBé")


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("GGW", 0),  # 16 + 16*45 + 32*2025 = 65536
        ("BB8GGW", 3),
        ("BB8BB8:::", 6),  # 44 + 44*45 + 44*2025
        ("GGWGGW", 0),  # the first bad group is the one named
        ("BB8GGWBB", 3),
    ],
)
def test_triple_above_65535(text: str, position: int) -> None:
    _raises_at(text, position, "65535")


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("::", 0),  # 44 + 44*45 = 2024
        ("BB8::", 3),
        ("06", 0),  # 0 + 6*45 = 270
        ("V5", 0),  # 31 + 5*45 = 256: one past the largest byte
    ],
)
def test_final_pair_above_255(text: str, position: int) -> None:
    _raises_at(text, position, "255")


def test_largest_final_pair_is_accepted() -> None:
    assert b45decode("U5") == b"\xff"  # 30 + 5*45 = 255, the boundary


def test_error_is_a_value_error() -> None:
    assert issubclass(Base45Error, ValueError)


# --- properties ---------------------------------------------------------------------------


@given(st.binary(max_size=300))
@example(b"")
@example(b"\xff" * 7)
@example(b"\x00" * 5)
def test_round_trip(data: bytes) -> None:
    text = b45encode(data)
    assert isinstance(text, str)
    assert len(text) == 3 * (len(data) // 2) + 2 * (len(data) % 2)
    assert set(text) <= set(ALPHABET)
    assert b45decode(text) == data
    assert b45decode(text.encode("ascii")) == data


@given(st.binary(max_size=300))
def test_agrees_with_reference_package(data: bytes) -> None:
    ours = b45encode(data)
    theirs = reference.b45encode(data)
    assert ours == (theirs.decode("ascii") if isinstance(theirs, bytes) else theirs)
    assert b45decode(ours) == reference.b45decode(ours)


@given(st.text(alphabet=ALPHABET, max_size=60))
def test_decode_agrees_with_reference_on_alphabet_text(text: str) -> None:
    try:
        expected = reference.b45decode(text)
    except ValueError:
        with pytest.raises(Base45Error):
            b45decode(text)
    else:
        assert b45decode(text) == expected


@given(st.text(max_size=60))
@example("é")
@example("ab")
@example("\ud800\udc00")
def test_random_text_only_raises_base45_error(text: str) -> None:
    try:
        out = b45decode(text)
    except Base45Error:
        return
    assert isinstance(out, bytes)
    assert b45encode(out) == text  # anything accepted is canonical Base45


@given(st.binary(max_size=60))
def test_random_bytes_only_raise_base45_error(raw: bytes) -> None:
    try:
        out = b45decode(raw)
    except Base45Error:
        return
    assert b45encode(out).encode("ascii") == raw


@given(st.text(max_size=40).filter(lambda t: len(t) % 3 != 1 and any(c not in ALPHABET for c in t)))
def test_bad_character_position_reported(text: str) -> None:
    first = next(i for i, c in enumerate(text) if c not in ALPHABET)
    _raises_at(text, first, "alphabet")
