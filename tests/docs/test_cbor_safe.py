"""Tests for enduse.docs.cbor_safe: the shape walker and the bounded decoder."""

from __future__ import annotations

import contextlib
import time
import tracemalloc
from collections.abc import Callable, Mapping
from typing import Any

import cbor2
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from enduse.docs.cbor_safe import (
    MAX_DEPTH,
    MAX_ITEMS,
    CborShapeError,
    Shape,
    check_cbor,
    safe_loads,
)

BOTH: list[Callable[[bytes], Any]] = [check_cbor, safe_loads]
BOTH_IDS = ["check_cbor", "safe_loads"]


def rejected(fn: Callable[[bytes], Any], data: bytes, reason: str) -> CborShapeError:
    with pytest.raises(CborShapeError) as info:
        fn(data)
    assert info.value.reason == reason, (info.value.reason, str(info.value))
    return info.value


def count_items(value: Any) -> int:
    """Data items in a decoded value: one per item; a map entry counts its key and its value."""
    if isinstance(value, Mapping):
        return 1 + sum(count_items(k) + count_items(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return 1 + sum(count_items(v) for v in value)
    return 1


def container_depth(value: Any) -> int:
    """Containers nested inside one another, the innermost one included even when empty."""
    if isinstance(value, Mapping):
        children = [*value.keys(), *value.values()]
    elif isinstance(value, list | tuple):
        children = list(value)
    else:
        return 0
    return 1 + max((container_depth(c) for c in children), default=0)


def nested_arrays(n: int, inner: bytes = b"\x00") -> bytes:
    """n one-element arrays around `inner`."""
    return b"\x81" * n + inner


def nested_maps(n: int, inner: bytes = b"\x00") -> bytes:
    """n one-entry maps {0: ...} around `inner`."""
    return b"\xa1\x00" * n + inner


def peak_memory(fn: Callable[[], Any]) -> int:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        with contextlib.suppress(CborShapeError):
            fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# --- depth ----------------------------------------------------------------------------------


def test_limits_are_the_documented_ones() -> None:
    assert MAX_DEPTH == 16
    assert MAX_ITEMS == 10_000


@pytest.mark.parametrize("fn", BOTH, ids=BOTH_IDS)
def test_ten_thousand_nested_arrays_rejected_quickly(fn: Callable[[bytes], Any]) -> None:
    data = nested_arrays(10_000)
    start = time.perf_counter()
    rejected(fn, data, "too_deep")
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize("fn", BOTH, ids=BOTH_IDS)
@pytest.mark.parametrize(
    "data",
    [
        b"\x9f" * 10_000,  # indefinite arrays, never closed
        b"\xbf\x00" * 5_000 + b"\x00",  # indefinite maps
        nested_maps(10_000),
        nested_arrays(9_000),  # short enough that safe_loads skips the walker
        b"\xc6" * 10_000 + b"\x00",  # tags, each counting as a level
    ],
    ids=["indef-arrays", "indef-maps", "maps", "arrays-9000", "tags"],
)
def test_deep_inputs_rejected_quickly(fn: Callable[[bytes], Any], data: bytes) -> None:
    start = time.perf_counter()
    rejected(fn, data, "too_deep")
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize("fn", BOTH, ids=BOTH_IDS)
@pytest.mark.parametrize("nest", [nested_arrays, nested_maps], ids=["arrays", "maps"])
def test_depth_16_accepted_17_rejected(
    fn: Callable[[bytes], Any], nest: Callable[[int], bytes]
) -> None:
    fn(nest(MAX_DEPTH))
    rejected(fn, nest(MAX_DEPTH + 1), "too_deep")


def test_walker_reports_depth_and_items() -> None:
    assert check_cbor(nested_arrays(MAX_DEPTH)) == Shape(items=MAX_DEPTH + 1, depth=MAX_DEPTH)
    assert check_cbor(nested_maps(3)) == Shape(items=7, depth=3)
    assert check_cbor(b"\x00") == Shape(items=1, depth=0)


def test_an_empty_innermost_container_adds_no_depth() -> None:
    """Depth counts containers enclosing an item (as cbor2 does): an empty one encloses none."""
    for data in (nested_arrays(MAX_DEPTH, b"\x80"), nested_maps(MAX_DEPTH, b"\xa0")):
        assert check_cbor(data).depth == MAX_DEPTH
        safe_loads(data)
    for data in (nested_arrays(MAX_DEPTH + 1, b"\x80"), nested_maps(MAX_DEPTH + 1, b"\xa0")):
        rejected(check_cbor, data, "too_deep")
        rejected(safe_loads, data, "too_deep")


@pytest.mark.parametrize(
    "data",
    [
        nested_arrays(MAX_DEPTH, b"\x80"),
        nested_arrays(MAX_DEPTH + 1, b"\x80"),
        nested_arrays(MAX_DEPTH),
        nested_arrays(MAX_DEPTH + 1),
        nested_maps(MAX_DEPTH, b"\xa0"),
        nested_maps(MAX_DEPTH + 1),
        nested_arrays(MAX_DEPTH - 1, b"\x9f\x9f\xff\xff"),
    ],
    ids=[
        "17-empty-innermost",
        "18-empty-innermost",
        "16",
        "17",
        "maps-17-empty",
        "maps-17",
        "indefinite",
    ],
)
def test_walker_and_decoder_agree_on_depth(data: bytes) -> None:
    """Short inputs rely on cbor2's depth check, long ones on the walker: they must agree."""
    pad = cbor2.dumps(b"\x00" * 10_100)
    long = b"\x82" + pad + data  # long enough for the walker to run first
    outcomes = []
    for fn, d in ((check_cbor, data), (safe_loads, data), (check_cbor, long), (safe_loads, long)):
        try:
            fn(d)
            outcomes.append("ok")
        except CborShapeError as e:
            outcomes.append(e.reason)
    assert outcomes[0] == outcomes[1], outcomes
    assert outcomes[2] == outcomes[3], outcomes


def test_an_empty_indefinite_container_is_entered_and_counts() -> None:
    """A decoder must enter an indefinite container to find its break, so it is a level."""
    assert check_cbor(b"\x81\x80").depth == 1
    assert check_cbor(b"\x81\x9f\xff").depth == 2
    assert check_cbor(b"\x81\x81\x00").depth == check_cbor(b"\x9f\x9f\x00\xff\xff").depth == 2
    data = nested_arrays(MAX_DEPTH, b"\x9f\xff")
    rejected(check_cbor, data, "too_deep")
    rejected(safe_loads, data, "too_deep")


def test_tags_count_as_levels_in_walker() -> None:
    assert check_cbor(b"\xc6" * MAX_DEPTH + b"\x00") == Shape(items=MAX_DEPTH + 1, depth=MAX_DEPTH)
    rejected(check_cbor, b"\xc6" * (MAX_DEPTH + 1) + b"\x00", "too_deep")


def test_custom_limits() -> None:
    assert check_cbor(nested_arrays(2), max_depth=2).depth == 2
    rejected(lambda d: check_cbor(d, max_depth=2), nested_arrays(3), "too_deep")
    rejected(lambda d: safe_loads(d, max_depth=2), nested_arrays(3), "too_deep")
    assert safe_loads(nested_arrays(2), max_depth=2) == [[0]]
    rejected(lambda d: check_cbor(d, max_items=3), cbor2.dumps([1, 2, 3]), "too_many_items")
    assert check_cbor(cbor2.dumps([1, 2]), max_items=3).items == 3


# --- item count -----------------------------------------------------------------------------


@pytest.mark.parametrize("fn", BOTH, ids=BOTH_IDS)
def test_item_limit_boundary(fn: Callable[[bytes], Any]) -> None:
    ok = cbor2.dumps([0] * (MAX_ITEMS - 1))  # the array + 9,999 zeros = 10,000 items
    assert len(ok) > MAX_ITEMS  # long enough for safe_loads to run the walker
    fn(ok)
    rejected(fn, cbor2.dumps([0] * MAX_ITEMS), "too_many_items")


@pytest.mark.parametrize("fn", BOTH, ids=BOTH_IDS)
def test_map_entries_count_key_and_value(fn: Callable[[bytes], Any]) -> None:
    # 1 map + 5,000 keys + 5,000 values = 10,001 items
    rejected(fn, cbor2.dumps({i: 0 for i in range(MAX_ITEMS // 2)}), "too_many_items")
    assert check_cbor(cbor2.dumps({i: 0 for i in range(MAX_ITEMS // 2 - 1)})).items == 9_999


@pytest.mark.parametrize("fn", BOTH, ids=BOTH_IDS)
def test_items_counted_across_containers(fn: Callable[[bytes], Any]) -> None:
    # 1 + 101 * (1 + 100) = 10,202 items, no single container over the limit
    rejected(fn, cbor2.dumps([[0] * 100] * 101), "too_many_items")


DECLARED_HUGE = [
    b"\x9b" + (2**32).to_bytes(8, "big"),  # array of 2**32, 9 bytes
    b"\xbb" + (2**32).to_bytes(8, "big"),  # map of 2**32
    b"\x9b" + (2**64 - 1).to_bytes(8, "big"),
    b"\xbb" + (2**64 - 1).to_bytes(8, "big"),
    b"\x9a\xff\xff\xff\xff",
    b"\x81\x9b" + (2**32).to_bytes(8, "big"),  # nested
]


@pytest.mark.parametrize("data", DECLARED_HUGE, ids=lambda d: d.hex())
def test_walker_rejects_declared_huge_container_without_allocating(data: bytes) -> None:
    rejected(check_cbor, data, "too_many_items")
    assert peak_memory(lambda: check_cbor(data)) < 1_000_000


@pytest.mark.parametrize("data", DECLARED_HUGE, ids=lambda d: d.hex())
def test_safe_loads_rejects_declared_huge_container_without_allocating(data: bytes) -> None:
    # Short input: the walker is skipped, cbor2 must still not pre-allocate the declared size.
    with pytest.raises(CborShapeError):
        safe_loads(data)
    assert peak_memory(lambda: safe_loads(data)) < 1_000_000


def test_safe_loads_long_input_with_declared_huge_container_is_too_many_items() -> None:
    data = b"\x9b" + (2**32).to_bytes(8, "big") + b"\x00" * (MAX_ITEMS + 1)
    rejected(safe_loads, data, "too_many_items")
    assert peak_memory(lambda: safe_loads(data)) < 1_000_000


@pytest.mark.parametrize(
    "data",
    [
        b"\x5b" + (2**63).to_bytes(8, "big"),  # byte string of 2**63 bytes, 9 bytes long
        b"\x7b" + (2**63).to_bytes(8, "big"),
        b"\x5a\xff\xff\xff\xff",
        b"\x5f\x5b" + (2**63).to_bytes(8, "big") + b"\xff",
    ],
    ids=lambda d: d.hex(),
)
@pytest.mark.parametrize("fn", BOTH, ids=BOTH_IDS)
def test_declared_huge_string_rejected_without_allocating(
    fn: Callable[[bytes], Any], data: bytes
) -> None:
    rejected(fn, data, "malformed")
    assert peak_memory(lambda: fn(data)) < 1_000_000


# --- tags -----------------------------------------------------------------------------------

TAGGED = {
    "shareable-28": cbor2.dumps(cbor2.CBORTag(28, [1])),
    "shared-ref-cycle-28-29": b"\xd8\x1c\x81\xd8\x1d\x00",  # a list containing itself
    "datetime-1": b"\xc1\x1a\x65\x00\x00\x00",
    "datetime-0": cbor2.dumps(cbor2.CBORTag(0, "2025-01-01T00:00:00Z")),
    "bignum-2": cbor2.dumps(2**70),
    "negative-bignum-3": cbor2.dumps(-(2**70)),
    "self-describe-55799": b"\xd9\xd9\xf7\x01",
    "unknown-1000": cbor2.dumps(cbor2.CBORTag(1000, 1)),
    "huge-tag-number": b"\xdb" + (2**40).to_bytes(8, "big") + b"\x01",
    "nested-in-array": cbor2.dumps([1, cbor2.CBORTag(2, b"\x01")]),
    "map-key": b"\xa1\xc1\x00\x00",
}


@pytest.mark.parametrize("data", TAGGED.values(), ids=TAGGED.keys())
def test_safe_loads_rejects_tags(data: bytes) -> None:
    rejected(safe_loads, data, "malformed")


@pytest.mark.parametrize("data", TAGGED.values(), ids=TAGGED.keys())
def test_walker_accepts_well_formed_tags(data: bytes) -> None:
    shape = check_cbor(data)
    assert shape.items >= 2  # the tag head counts as an item
    assert shape.depth >= 1


def test_safe_loads_rejects_tag_in_long_input() -> None:
    data = cbor2.dumps([b"\x00" * MAX_ITEMS, cbor2.CBORTag(1, 0)])
    assert len(data) > MAX_ITEMS
    check_cbor(data)
    rejected(safe_loads, data, "malformed")


def test_bignum_boundaries() -> None:
    assert safe_loads(cbor2.dumps(2**64 - 1)) == 2**64 - 1
    assert safe_loads(cbor2.dumps(-(2**64))) == -(2**64)
    rejected(safe_loads, cbor2.dumps(2**64), "malformed")
    rejected(safe_loads, cbor2.dumps(-(2**64) - 1), "malformed")


# --- duplicates, trailing, truncation -------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"\xa2\x61a\x01\x61a\x02",
        b"\xa2\x01\x00\x01\x00",
        b"\x81\xa2\x00\x00\x00\x01",  # nested
        b"\xbf\x61a\x01\x61a\x02\xff",  # indefinite map
    ],
    ids=lambda d: d.hex(),
)
def test_safe_loads_rejects_duplicate_keys(data: bytes) -> None:
    rejected(safe_loads, data, "malformed")


def test_safe_loads_rejects_duplicate_keys_in_long_input() -> None:
    data = b"\xa3\x61a\x01\x61b" + cbor2.dumps(b"\x00" * MAX_ITEMS) + b"\x61a\x02"
    assert len(data) > MAX_ITEMS
    rejected(safe_loads, data, "malformed")


@pytest.mark.parametrize("fn", BOTH, ids=BOTH_IDS)
@pytest.mark.parametrize(
    "data",
    [b"\x01\x02", b"\x80\x00", b"\xa0\xff", b"\x9f\xff\xff", cbor2.dumps({"a": [1]}) + b"\x00"],
    ids=lambda d: d.hex(),
)
def test_trailing_bytes_rejected(fn: Callable[[bytes], Any], data: bytes) -> None:
    err = rejected(fn, data, "malformed")
    assert "trailing" in str(err)


@pytest.mark.parametrize("fn", BOTH, ids=BOTH_IDS)
def test_trailing_bytes_rejected_in_long_input(fn: Callable[[bytes], Any]) -> None:
    rejected(fn, cbor2.dumps(b"\x00" * MAX_ITEMS) + b"\x00", "malformed")


@pytest.mark.parametrize("fn", BOTH, ids=BOTH_IDS)
@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x18",  # argument byte missing
        b"\x19\x01",
        b"\x1b\x00\x00\x00",
        b"\x43ab",  # 3-byte string, 2 present
        b"\x82\x01",
        b"\xa1\x01",  # key without value
        b"\x9f\x01",  # unterminated indefinite array
        b"\xbf\x61a\x01",
        b"\x5f\x41a",  # unterminated indefinite byte string
        b"\x7f\x61a",
        b"\x5f\x42a",  # chunk past the end
        b"\xc1",  # tag without its item
        b"\xfb\x00\x00",
    ],
    ids=lambda d: d.hex() or "empty",
)
def test_truncated_input_rejected(fn: Callable[[bytes], Any], data: bytes) -> None:
    rejected(fn, data, "malformed")


# --- indefinite lengths ---------------------------------------------------------------------

INDEFINITE_OK = [
    (b"\x5f\x41a\x42bc\xff", b"abc", 1, 0),
    (b"\x5f\xff", b"", 1, 0),
    (b"\x7f\x61a\x62bc\xff", "abc", 1, 0),
    (b"\x9f\x01\x02\xff", [1, 2], 3, 1),
    (b"\x9f\xff", [], 1, 1),
    (b"\xbf\x61a\x01\xff", {"a": 1}, 3, 1),
    (b"\x9f\x9f\xff\xff", [[]], 2, 2),
    (b"\x9f\x81\x9f\x01\xff\xff", [[[1]]], 4, 3),
    (b"\x82\x9f\xff\x01", [[], 1], 3, 2),
    (b"\xbf\x61k\x9f\x5f\x41x\xff\xff\xff", {"k": [b"x"]}, 4, 2),
]


@pytest.mark.parametrize(("data", "value", "items", "depth"), INDEFINITE_OK, ids=lambda x: repr(x))
def test_indefinite_well_formed(data: bytes, value: Any, items: int, depth: int) -> None:
    assert check_cbor(data) == Shape(items=items, depth=depth)
    assert safe_loads(data) == value


@pytest.mark.parametrize("fn", BOTH, ids=BOTH_IDS)
@pytest.mark.parametrize(
    "data",
    [
        b"\x5f\x61a\xff",  # text chunk in a byte string
        b"\x7f\x41a\xff",
        b"\x5f\x5f\xff\xff",  # nested indefinite chunk
        b"\x5f\x01\xff",  # integer chunk
        b"\xff",  # break with nothing open
        b"\x81\xff",  # break inside a definite array
        b"\x9f\x81\xff\xff",
        b"\xa1\xff",
        b"\x9f\x01\xff\xff",  # one break too many
    ],
    ids=lambda d: d.hex(),
)
def test_indefinite_malformed(fn: Callable[[bytes], Any], data: bytes) -> None:
    rejected(fn, data, "malformed")


@pytest.mark.parametrize(
    "data", [b"\xbf\x01\xff", b"\xbf\x61a\x01\x61b\xff"], ids=lambda d: d.hex()
)
def test_walker_rejects_indefinite_map_with_odd_items(data: bytes) -> None:
    rejected(safe_loads, data, "malformed")  # the decoder already gets this right
    rejected(check_cbor, data, "malformed")


# --- reserved encodings ---------------------------------------------------------------------

RESERVED = [bytes([major << 5 | info]) for major in range(8) for info in (28, 29, 30)]


@pytest.mark.parametrize("fn", BOTH, ids=BOTH_IDS)
@pytest.mark.parametrize("data", RESERVED, ids=lambda d: d.hex())
def test_reserved_additional_info_rejected(fn: Callable[[bytes], Any], data: bytes) -> None:
    rejected(fn, data, "malformed")


def test_reserved_additional_info_inside_container_named_by_walker() -> None:
    err = rejected(check_cbor, b"\x82\x01\x1c", "malformed")
    assert "28" in str(err)
    assert "byte 2" in str(err)


@pytest.mark.parametrize("fn", BOTH, ids=BOTH_IDS)
@pytest.mark.parametrize("data", [b"\x1f", b"\x3f", b"\xdf\x00"], ids=lambda d: d.hex())
def test_indefinite_length_on_non_container_rejected(
    fn: Callable[[bytes], Any], data: bytes
) -> None:
    rejected(fn, data, "malformed")


def test_walker_rejects_two_byte_simple_value_below_32() -> None:
    rejected(safe_loads, b"\xf8\x00", "malformed")
    rejected(check_cbor, b"\xf8\x00", "malformed")


def test_simple_values() -> None:
    assert safe_loads(b"\xf4") is False
    assert safe_loads(b"\xf5") is True
    assert safe_loads(b"\xf6") is None
    assert check_cbor(b"\xf8\x20") == Shape(items=1, depth=0)


# --- properties -----------------------------------------------------------------------------

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**64), max_value=2**64 - 1)
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
    | st.binary(max_size=12)
)
VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=6), children, max_size=5)
    ),
    max_leaves=40,
)


def wrap(value: Any, levels: list[bool]) -> Any:
    for as_map in levels:
        value = {"k": value} if as_map else [value]
    return value


@settings(max_examples=150, deadline=None)
@given(VALUES.filter(lambda v: container_depth(v) <= MAX_DEPTH))
@example(wrap(0, [False] * MAX_DEPTH))
@example(wrap([], [True] * (MAX_DEPTH - 1)))
@example({"": [b"", "", None, True, False, -1.5, 2**64 - 1, -(2**64)]})
def test_json_like_values(value: Any) -> None:
    data = cbor2.dumps(value)
    shape = check_cbor(data)
    assert shape.items == count_items(value)
    assert container_depth(value) - 1 <= shape.depth <= container_depth(value)
    assert safe_loads(data) == value


@settings(max_examples=40, deadline=None)
@given(st.lists(st.booleans(), min_size=MAX_DEPTH + 1, max_size=40), SCALARS)
def test_values_nested_past_the_limit_rejected(levels: list[bool], leaf: Any) -> None:
    data = cbor2.dumps(wrap(leaf, levels))
    rejected(check_cbor, data, "too_deep")
    rejected(safe_loads, data, "too_deep")


@settings(max_examples=15, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=30), min_size=400, max_size=600))
def test_long_inputs_take_the_walker_path(strings: list[str]) -> None:
    value = {"pad": "x" * MAX_ITEMS, "list": strings}
    data = cbor2.dumps(value)
    assert len(data) > MAX_ITEMS
    assert check_cbor(data).items == count_items(value)
    assert safe_loads(data) == value


@settings(max_examples=60, deadline=None)
@given(VALUES.filter(lambda v: container_depth(v) <= MAX_DEPTH))
def test_every_proper_prefix_is_rejected(value: Any) -> None:
    data = cbor2.dumps(value)
    for end in range(len(data)):
        rejected(check_cbor, data[:end], "malformed")
        rejected(safe_loads, data[:end], "malformed")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
@example(b"\xd8\x1c\x81\xd8\x1d\x00")
@example(b"\xa1\x80\x00")
@example(b"\x62\xff\xfe")
def test_random_bytes_only_raise_cbor_shape_error(data: bytes) -> None:
    try:
        shape = check_cbor(data)
    except CborShapeError as e:
        assert e.reason in {"too_deep", "too_many_items", "malformed"}
    else:
        assert 1 <= shape.items <= len(data)
        assert 0 <= shape.depth <= MAX_DEPTH
    try:
        value = safe_loads(data)
    except CborShapeError as e:
        assert e.reason in {"too_deep", "too_many_items", "malformed"}
    else:
        # Anything the decoder accepts is also well-formed and within limits for the walker
        # (one level of slack: see test_safe_loads_rejects_17_containers_with_empty_innermost).
        assert check_cbor(data, max_depth=MAX_DEPTH + 1).items == count_items(value)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_mutated_encodings_only_raise_cbor_shape_error(data: st.DataObject) -> None:
    raw = bytearray(cbor2.dumps(data.draw(VALUES)))
    for _ in range(data.draw(st.integers(1, 4))):
        if not raw:
            break
        i = data.draw(st.integers(0, len(raw) - 1))
        raw[i] = data.draw(st.integers(0, 255))
    for fn in BOTH:
        try:
            fn(bytes(raw))
        except CborShapeError as e:
            assert e.reason in {"too_deep", "too_many_items", "malformed"}
