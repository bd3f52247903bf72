"""EU Common Military List entries: accepted spellings, refusals, titles and flags."""

import copy
import json
import pickle
from importlib.resources import files
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from enduse.domain import control_list as control_list_module
from enduse.domain.control_list import (
    CANONICAL_PATTERN,
    MAX_INPUT_LENGTH,
    ControlEntry,
    ControlEntryError,
    category_title,
    is_ammunition,
    is_salw,
    is_weapon,
    normalise_control_entry,
    parse_control_entry,
    salw_coverage,
)


def _raw_data() -> dict[str, Any]:
    path = files("enduse.domain").joinpath("data", "control_list.json")
    return json.loads(path.read_text(encoding="utf-8"))


TITLES = {
    1: "Smooth-bore weapons with a calibre of less than 20 mm, other arms and automatic weapons"
    " with a calibre of 12.7 mm or less",
    2: "Smooth-bore weapons with a calibre of 20 mm or more, other weapons or armament with a"
    " calibre greater than 12.7 mm",
    3: "Ammunition and fuze setting devices",
    4: "Bombs, torpedoes, rockets, missiles, other explosive devices and charges",
    5: "Fire control and related alerting and warning equipment",
    6: "Ground vehicles and components",
    7: "Chemical agents, biological agents, riot control agents, radioactive materials",
    8: "Energetic materials",
    9: "Vessels of war, special naval equipment",
    10: "Aircraft, lighter-than-air vehicles, unmanned aerial vehicles",
    11: "Electronic equipment",
    12: "High velocity kinetic energy weapon systems",
    13: "Armoured or protective equipment",
    14: "Specialised equipment for military training or simulators",
    15: "Imaging or countermeasure equipment",
    16: "Forgings, castings and other unfinished products",
    17: "Miscellaneous equipment, materials and libraries",
    18: "Production equipment",
    19: "Directed energy weapon systems",
    20: "Cryogenic and superconductive equipment",
    21: "Software",
    22: "Technology",
}

ACCEPTED = [
    ("ML3", "ML3"),
    ("ML3.a", "ML3.a"),
    ("ML10.c", "ML10.c"),
    ("ML8.a.1", "ML8.a.1"),
    ("ML22", "ML22"),
    ("ML1", "ML1"),
    # case
    ("ml3a", "ML3.a"),
    ("ml3.a", "ML3.a"),
    ("Ml10.C", "ML10.c"),
    ("ML3.A", "ML3.a"),
    # spacing
    ("ML 3.a", "ML3.a"),
    ("ML 3 a", "ML3.a"),
    ("ML3 . a", "ML3.a"),
    ("  ML3.a  ", "ML3.a"),
    ("ml 8 a 1", "ML8.a.1"),
    ("ML\u00a010.c", "ML10.c"),
    # separators omitted or doubled up at the end (the official list writes "ML8.a.1.")
    ("ML3a", "ML3.a"),
    ("ML8a1", "ML8.a.1"),
    ("ML8.a1", "ML8.a.1"),
    ("ML8a.1", "ML8.a.1"),
    ("ML8.a.1.", "ML8.a.1"),
    ("ML3.", "ML3"),
    ("ML10.c.", "ML10.c"),
    # leading zeros
    ("ML03.a", "ML3.a"),
    ("ML03", "ML3"),
    ("ML008.a.1", "ML8.a.1"),
    ("ML8.a.01", "ML8.a.1"),
    # deeper levels and multi-digit items
    ("ML8.a.12", "ML8.a.12"),
    ("ML8.c.4.a", "ML8.c.4.a"),
    ("ml8c4a2", "ML8.c.4.a.2"),
    ("ML8.a.999", "ML8.a.999"),
    # full-width characters fold to ASCII
    ("ＭＬ３．ａ", "ML3.a"),
    # exactly at the length cap
    ("ML3.a".ljust(MAX_INPUT_LENGTH), "ML3.a"),
]

UNKNOWN_CATEGORY = ["ML0", "ML00", "ML23", "ml23.a", "ML99", "ML123", "ML0.a.1"]

MALFORMED = [
    "",
    "   ",
    "ML",
    "ML.3",
    "ML-3",
    "M L3",
    "3.a",
    "3",
    "MK3",
    "L3",
    "garbage",
    "ML3..a",
    "ML3.a..1",
    "ML3.1",
    "ML3.a.b",
    "ML8.a.1.2",
    "ML3aa",
    "ML8.a.0",
    "ML8.a.1000",
    "ML1234",
    "ML1 0",
    "ML 1 0.c",
    "ML8.a.1 2",
    "ML3.a-1",
    "ML3/a",
    "ML3.é",
    "ML3.ä",
    "ML٣",
    "ML3 ML4",
    "ML3.a,ML4",
    "ML3.a\u200b",
    "ML3.a".ljust(MAX_INPUT_LENGTH + 1),
    "ML" + "3" * 10_000,
]


@pytest.mark.parametrize(("text", "expected"), ACCEPTED)
def test_accepted_spellings(text: str, expected: str) -> None:
    assert normalise_control_entry(text) == expected
    assert normalise_control_entry(expected) == expected


@pytest.mark.parametrize("text", UNKNOWN_CATEGORY)
def test_unknown_categories_are_refused(text: str) -> None:
    with pytest.raises(ControlEntryError) as caught:
        parse_control_entry(text)
    assert caught.value.reason == "unknown_category"
    assert caught.value.text == text
    assert repr(text) in str(caught.value)


@pytest.mark.parametrize("text", MALFORMED)
def test_malformed_entries_are_refused(text: str) -> None:
    with pytest.raises(ControlEntryError) as caught:
        parse_control_entry(text)
    assert caught.value.reason == "malformed"
    assert caught.value.text == text
    shown = text if len(text) <= MAX_INPUT_LENGTH else text[:MAX_INPUT_LENGTH] + "…"
    assert repr(shown) in str(caught.value)


@pytest.mark.parametrize(
    ("text", "category", "sub_items"),
    [
        ("ML3", 3, ()),
        ("ml3a", 3, ("a",)),
        ("ML10.c", 10, ("c",)),
        ("ML8a01", 8, ("a", "1")),
        ("ML8.c.4.a", 8, ("c", "4", "a")),
    ],
)
def test_parse_fields(text: str, category: int, sub_items: tuple[str, ...]) -> None:
    entry = parse_control_entry(text)
    canonical = ".".join([f"ML{category}", *sub_items])
    assert entry == ControlEntry(category, sub_items, canonical, TITLES[category])
    assert str(entry) == canonical


def test_entry_is_frozen() -> None:
    entry = parse_control_entry("ML3")
    with pytest.raises(AttributeError):
        entry.category = 4  # type: ignore[misc]


def test_non_string_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        parse_control_entry(3)  # type: ignore[arg-type]


def test_error_is_a_value_error_and_pickles() -> None:
    with pytest.raises(ValueError) as caught:
        parse_control_entry("ML23")
    error = caught.value
    assert isinstance(error, ControlEntryError)
    clone = pickle.loads(pickle.dumps(error))
    assert (clone.reason, clone.text, str(clone)) == (error.reason, error.text, str(error))


# --- titles and flags -------------------------------------------------------------------


@pytest.mark.parametrize(("number", "title"), sorted(TITLES.items()))
def test_category_titles(number: int, title: str) -> None:
    assert category_title(number) == title
    assert parse_control_entry(f"ML{number}").title == title


@pytest.mark.parametrize("number", [0, 23, -1, 100])
def test_category_title_of_unknown_category(number: int) -> None:
    with pytest.raises(ControlEntryError) as caught:
        category_title(number)
    assert caught.value.reason == "unknown_category"
    assert f"ML{number}" in str(caught.value)


@pytest.mark.parametrize("number", [True, "3", 3.0, None])
def test_category_title_needs_an_int(number: Any) -> None:
    with pytest.raises(TypeError):
        category_title(number)


WEAPONS = {1, 2, 4, 12, 19}
AMMUNITION = {3, 4, 8}
SALW_ALL = {1}
SALW_PARTIAL = {2, 4}


@pytest.mark.parametrize("number", range(1, 23))
def test_flags(number: int) -> None:
    for text in (f"ML{number}", f"ML{number}.a", f"ML{number}.b.2"):
        entry = parse_control_entry(text)
        assert is_weapon(entry) is (number in WEAPONS)
        assert is_ammunition(entry) is (number in AMMUNITION)
        assert is_salw(entry) is (number in SALW_ALL)
        expected = "all" if number in SALW_ALL else "partial" if number in SALW_PARTIAL else "none"
        assert salw_coverage(entry) == expected


def _broken(mutate: Any) -> dict[str, Any]:
    raw = copy.deepcopy(_raw_data())
    mutate(raw)
    return raw


@pytest.mark.parametrize(
    "mutate",
    [
        lambda raw: raw["categories"].pop(),
        lambda raw: raw["categories"].append(dict(raw["categories"][0])),
        lambda raw: raw["categories"].append({**raw["categories"][0], "number": 23}),
        lambda raw: raw["categories"][0].update(number="1"),
        lambda raw: raw["categories"][0].update(title=""),
        lambda raw: raw["categories"][0].update(salw="some"),
        lambda raw: raw["categories"][0].update(is_weapon="yes"),
        lambda raw: raw["categories"][0].update(is_ammunition=1),
    ],
)
def test_bad_data_is_rejected(mutate: Any) -> None:
    with pytest.raises(ValueError, match=r"control_list\.json"):
        control_list_module._build_categories(_broken(mutate))


def test_shipped_data_builds_and_is_loaded_once() -> None:
    assert sorted(control_list_module._build_categories(_raw_data())) == list(range(1, 23))
    assert control_list_module._categories() is control_list_module._categories()


# --- properties -------------------------------------------------------------------------


@st.composite
def spellings(draw: st.DrawFn) -> tuple[str, str]:
    """A valid entry and one random way of writing it."""
    category = draw(st.integers(1, 22))
    depth = draw(st.integers(0, 5))
    levels = [
        draw(st.sampled_from("abcdefghijklmnopqrstuvwxyz"))
        if i % 2 == 0
        else str(draw(st.integers(1, 999)))
        for i in range(depth)
    ]
    canonical = ".".join([f"ML{category}", *levels])
    space = st.sampled_from(["", " ", "  "])
    text = draw(space) + draw(st.sampled_from(["ML", "ml", "Ml", "mL"])) + draw(space)
    text += str(category).zfill(draw(st.integers(1, 3)))  # leading zeros
    for level in levels:
        text += draw(space) + draw(st.sampled_from([".", ""])) + draw(space)
        if level.isalpha():
            text += draw(st.sampled_from([level, level.upper()]))
        else:
            text += level.zfill(draw(st.integers(len(level), 3)))
    text += draw(st.sampled_from(["", ".", " .", ". "])) + draw(space)
    return text, canonical


@settings(max_examples=400)
@given(spellings())
def test_any_spelling_normalises_to_the_canonical_entry(case: tuple[str, str]) -> None:
    text, canonical = case
    assert normalise_control_entry(text) == canonical


ENTRY_ALPHABET = list("ML ml.0123456789abcxyzAZ-,")


@settings(max_examples=600)
@given(
    st.one_of(
        st.text(max_size=MAX_INPUT_LENGTH + 8),
        st.lists(st.sampled_from(ENTRY_ALPHABET), max_size=16).map("".join),
    )
)
@example("ML3a")
@example("ML0")
def test_normalise_is_idempotent_and_only_raises_control_entry_error(text: str) -> None:
    try:
        canonical = normalise_control_entry(text)
    except ControlEntryError as error:
        assert error.reason in {"malformed", "unknown_category"}
        assert error.text == text
        return
    assert normalise_control_entry(canonical) == canonical


@given(st.from_regex(CANONICAL_PATTERN, fullmatch=True))
def test_every_string_of_the_canonical_pattern_is_canonical(text: str) -> None:
    """The verifier's fast path trusts this pattern: it must never admit what the parser refuses."""
    assert normalise_control_entry(text) == text
