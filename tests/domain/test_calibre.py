"""Calibre normalisation: every accepted spelling, every refusal, and the data file."""

import copy
import json
import pickle
import re
from decimal import Decimal
from importlib.resources import files
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from enduse.domain import calibre as calibre_module
from enduse.domain.calibre import (
    MAX_INPUT_LENGTH,
    Calibre,
    CalibreError,
    calibre_info,
    normalise_calibre,
    parse_calibre,
)


def _raw_data() -> dict[str, Any]:
    text = files("enduse.domain").joinpath("data", "calibres.json").read_text(encoding="utf-8")
    return json.loads(text)


RAW = _raw_data()
LISTED = [entry["canonical"] for entry in RAW["cartridges"]]
BORE_ONLY = [entry["canonical"] for entry in RAW["bore_only"]]

# The canonical forms used in scenario files: they must be fixed points.
SCENARIO_FORMS = [
    "152mm",
    "122mm",
    "82mm",
    "7.62x39mm",
    "7.62x54mmR",
    "12.7x108mm",
    "9x19mm",
    "5.56x45mm",
    "14.5x114mm",
]

ACCEPTED = [
    # spaces anywhere
    ("152 mm", "152mm"),
    ("  152mm  ", "152mm"),
    ("7.62 x 39 mm", "7.62x39mm"),
    ("7.62x39 mm", "7.62x39mm"),
    ("7.62mm x 39mm", "7.62x39mm"),
    ("\t7.62\u00a0x\u00a039\u00a0mm", "7.62x39mm"),
    # comma decimals and separators
    ("7,62×39", "7.62x39mm"),
    ("7,62 × 39 mm", "7.62x39mm"),
    ("7.62X39", "7.62x39mm"),
    ("7.62*39", "7.62x39mm"),
    ("7.62×39mm", "7.62x39mm"),
    ("12,7x108", "12.7x108mm"),
    ("14,5×114", "14.5x114mm"),
    # Russian documents: Cyrillic 'х' and 'мм'
    ("7,62х39 мм", "7.62x39mm"),
    ("12,7Х108", "12.7x108mm"),
    # missing 'mm'
    ("7.62x39", "7.62x39mm"),
    ("5.56x45", "5.56x45mm"),
    ("9x19", "9x19mm"),
    # suffixes
    ("7.62x54R", "7.62x54mmR"),
    ("7.62x54r", "7.62x54mmR"),
    ("7.62x54mmR", "7.62x54mmR"),
    ("7.62 x 54 mm R", "7.62x54mmR"),
    ("7.62x54MMR", "7.62x54mmR"),
    ("23x152B", "23x152mmB"),
    ("23 x 152 mm B", "23x152mmB"),
    # calibre words
    ("cal. 7.62x39mm", "7.62x39mm"),
    ("Cal 7.62x39", "7.62x39mm"),
    ("calibre 152 mm", "152mm"),
    ("caliber 155mm", "155mm"),
    ("152mm calibre", "152mm"),
    ("calibre7.62x39", "7.62x39mm"),
    # millimetre(s)
    ("152 millimetres", "152mm"),
    ("152 millimetre", "152mm"),
    ("155 millimeters", "155mm"),
    ("7.62 x 39 millimetres", "7.62x39mm"),
    ("152 mm.", "152mm"),
    # trailing and leading zeros, Unicode digits that NFKC folds to ASCII
    ("9.0x19.00mm", "9x19mm"),
    ("7.620x39.0", "7.62x39mm"),
    ("0152mm", "152mm"),
    ("９x１９ｍｍ", "9x19mm"),
    # bare numbers without unit, only for listed artillery/mortar bores
    ("152", "152mm"),
    ("82", "82mm"),
    # bore-only calibres, listed or not
    ("122 mm", "122mm"),
    ("82mm", "82mm"),
    ("57mm", "57mm"),
    ("100 mm", "100mm"),
    ("1000mm", "1000mm"),
    ("1mm", "1mm"),
    # unlisted cartridges pass through unchanged
    ("7.92x57", "7.92x57mm"),
    ("7.62x53R", "7.62x53mmR"),
    ("7.5x55mm", "7.5x55mm"),
    ("8x56mmR", "8x56mmR"),
    # well-known names (aliases from the data file)
    ("9mm Parabellum", "9x19mm"),
    ("9 mm Parabellum", "9x19mm"),
    ("9mm Luger", "9x19mm"),
    ("9mm NATO", "9x19mm"),
    ("9MM LUGER", "9x19mm"),
    ("9 millimetre Parabellum", "9x19mm"),
    ("9x19mm Parabellum", "9x19mm"),
    ("9mm Makarov", "9x18mm"),
    ("5.56 NATO", "5.56x45mm"),
    ("5.56mm NATO", "5.56x45mm"),
    ("5,56 NATO", "5.56x45mm"),
    ("7.62 NATO", "7.62x51mm"),
    ("7.62x51mm NATO", "7.62x51mm"),
    (".50 BMG", "12.7x99mm"),
    (".50 cal", "12.7x99mm"),
    (".50 Cal.", "12.7x99mm"),
    (".50 calibre", "12.7x99mm"),
    ("cal .50", "12.7x99mm"),
    ("Cal. .50", "12.7x99mm"),
    ("12.7mm NATO", "12.7x99mm"),
    ("12.7 mm NATO", "12.7x99mm"),
    ("7.62mm Russian", "7.62x54mmR"),
    ("7.62x54", "7.62x54mmR"),
    ("7.62x54mm", "7.62x54mmR"),
    ("14.5mm KPV", "14.5x114mm"),
    ("12.7mm DShK", "12.7x108mm"),
    (".380 ACP", "9x17mm"),
    ("7.62mm Tokarev", "7.62x25mm"),
    ("23x152mm", "23x152mmB"),
    ("40x46mmSR", "40x46mm"),
    # exactly at the length cap
    ("7.62x39mm".ljust(MAX_INPUT_LENGTH), "7.62x39mm"),
]

AMBIGUOUS = [
    ("7.62 mm", ("7.62x25mm", "7.62x39mm", "7.62x51mm", "7.62x54mmR")),
    ("7.62", ("7.62x25mm", "7.62x39mm", "7.62x51mm", "7.62x54mmR")),
    ("cal. 7.62", ("7.62x25mm", "7.62x39mm", "7.62x51mm", "7.62x54mmR")),
    ("7,62mm", ("7.62x25mm", "7.62x39mm", "7.62x51mm", "7.62x54mmR")),
    ("9mm", ("9x17mm", "9x18mm", "9x19mm", "9x39mm")),
    ("9 millimetres", ("9x17mm", "9x18mm", "9x19mm", "9x39mm")),
    ("12.7 mm", ("12.7x99mm", "12.7x108mm")),
    ("12.70mm", ("12.7x99mm", "12.7x108mm")),
    ("5.45mm", ("5.45x18mm", "5.45x39mm")),
    ("5.56mm", ("5.56x45mm",)),
    ("14.5 mm", ("14.5x114mm",)),
    ("30 mm", ("30x165mm", "30x173mm")),
    ("40mm", ("40x46mm", "40x53mm")),
    ("23 mm", ("23x152mmB",)),
    ("20mm", ("20x102mm",)),
    ("25mm", ("25x137mm",)),
    # inch calibres as bare decimals
    (".50", ("12.7x99mm", "12.7x108mm")),
    ("0.50", ("12.7x99mm", "12.7x108mm")),
    (".30 cal", ("7.62x25mm", "7.62x39mm", "7.62x51mm", "7.62x54mmR")),
    (".223", ("5.56x45mm",)),
    (".45", ()),
    (".303", ()),
    # a listed bore and case with a missing or wrong rim suffix
    ("7.62x39mmR", ("7.62x39mm",)),
    ("7.62x54mmB", ("7.62x54mmR",)),
    ("23x152R", ("23x152mmB",)),
]

UNRECOGNISED = [
    "",
    "   ",
    "mm",
    "x39",
    "7.62x",
    "7.62xmm",
    "7.62x39x51",
    "7.62.39",
    "7..62x39",
    "7,62,39",
    "7.62x39m",
    "7.62x39mmQ",
    "7.62x39mmRR",
    "152mmR",
    "152R",
    "0mm",
    "0.5mm",
    "1001mm",
    "-5mm",
    "+5mm",
    "12345mm",
    "7.6222x39",
    "1e3mm",
    "NaN",
    "Infinity",
    "7 62x39",
    "1 52 mm",
    "7. 62x39",
    "7 ,62x39",
    "7.62 39",
    "57",
    "calibre 57",
    "cal 50",
    ".5",
    "7.62x0",
    "9mm Parabellum extra",
    "9mm Pera",
    "7.62x39mm M43",
    "7\u200b.62x39",
    "٧٫٦٢x٣٩",
    "152mm howitzer",
    # look-alikes deliberately not equated (data file: not_equivalent)
    ".223 Remington",
    ".223 Rem",
    ".308 Winchester",
    ".308 Win",
    "7.63x25mm Mauser",
    # weapon systems are not calibres (data file: systems)
    "Grad",
    "BM-21",
    "BM 21 Grad",
    "AK-47",
    "Kalashnikov",
    "KPV",
    # too long, even though it would otherwise parse
    "7.62x39mm".ljust(MAX_INPUT_LENGTH + 1),
    "x" * 10_000,
]


@pytest.mark.parametrize("canonical", SCENARIO_FORMS)
def test_scenario_forms_are_fixed_points(canonical: str) -> None:
    assert normalise_calibre(canonical) == canonical


@pytest.mark.parametrize(("text", "expected"), ACCEPTED)
def test_accepted_spellings(text: str, expected: str) -> None:
    assert normalise_calibre(text) == expected
    assert normalise_calibre(expected) == expected


@pytest.mark.parametrize(("text", "candidates"), AMBIGUOUS)
def test_ambiguous_is_refused_with_candidates(text: str, candidates: tuple[str, ...]) -> None:
    with pytest.raises(CalibreError) as caught:
        parse_calibre(text)
    assert caught.value.reason == "ambiguous"
    assert caught.value.text == text
    assert caught.value.candidates == candidates
    message = str(caught.value)
    assert repr(text) in message
    for candidate in candidates:
        assert candidate in message


@pytest.mark.parametrize("text", UNRECOGNISED)
def test_unrecognised_is_refused(text: str) -> None:
    with pytest.raises(CalibreError) as caught:
        parse_calibre(text)
    assert caught.value.reason == "unrecognised"
    assert caught.value.candidates == ()
    assert caught.value.text == text
    shown = text if len(text) <= MAX_INPUT_LENGTH else text[:MAX_INPUT_LENGTH] + "…"
    assert repr(shown) in str(caught.value)


@pytest.mark.parametrize(
    ("text", "nearest"),
    [(".223 Remington", "5.56x45mm"), (".308 Winchester", "7.62x51mm")],
)
def test_look_alikes_explain_why_not_equated(text: str, nearest: str) -> None:
    with pytest.raises(CalibreError, match=f"not treated as {nearest}"):
        parse_calibre(text)


def test_weapon_system_is_explained() -> None:
    with pytest.raises(CalibreError, match="122mm") as caught:
        parse_calibre("Grad")
    assert caught.value.reason == "unrecognised"


def test_bare_number_asks_for_a_unit() -> None:
    with pytest.raises(CalibreError, match=re.escape("give the unit, e.g. '57mm'")):
        parse_calibre("57")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7,62x54R", Calibre("7.62x54mmR", Decimal("7.62"), Decimal("54"), "R")),
        ("9.0 x 19", Calibre("9x19mm", Decimal("9"), Decimal("19"), "")),
        ("9mm Luger", Calibre("9x19mm", Decimal("9"), Decimal("19"), "")),
        ("152 mm", Calibre("152mm", Decimal("152"), None, "")),
        ("23x152B", Calibre("23x152mmB", Decimal("23"), Decimal("152"), "B")),
    ],
)
def test_parse_fields(text: str, expected: Calibre) -> None:
    parsed = parse_calibre(text)
    assert parsed == expected
    assert str(parsed) == expected.canonical
    # Exponent-free, trailing-zero-free decimals: 9 and 152, not 9.0 or 1.52E+2.
    assert str(parsed.bore_mm) == str(expected.bore_mm)


def test_calibre_is_frozen() -> None:
    parsed = parse_calibre("9x19mm")
    with pytest.raises(AttributeError):
        parsed.canonical = "9x18mm"  # type: ignore[misc]


def test_non_string_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        parse_calibre(7.62)  # type: ignore[arg-type]


def test_error_is_a_value_error_and_pickles() -> None:
    with pytest.raises(ValueError) as caught:
        parse_calibre("7.62mm")
    error = caught.value
    assert isinstance(error, CalibreError)
    clone = pickle.loads(pickle.dumps(error))
    assert (clone.reason, clone.text, clone.candidates) == (
        error.reason,
        error.text,
        error.candidates,
    )
    assert str(clone) == str(error)


def test_long_text_is_shortened_in_the_message_only() -> None:
    text = "9" * 1000
    with pytest.raises(CalibreError) as caught:
        parse_calibre(text)
    assert caught.value.text == text
    assert len(str(caught.value)) < 200


# --- the data file ----------------------------------------------------------------------

STANDARD_TABLE = [
    ("9x18mm", "pistol", "Soviet"),
    ("9x19mm", "pistol", "NATO"),
    ("7.62x39mm", "assault rifle", "Soviet"),
    ("5.45x39mm", "assault rifle", "Soviet"),
    ("5.56x45mm", "assault rifle", "NATO"),
    ("7.62x54mmR", "machine gun / sniper rifle", "Soviet"),
    ("7.62x51mm", "machine gun / sniper rifle", "NATO"),
    ("12.7x108mm", "heavy machine gun", "Soviet"),
    ("14.5x114mm", "heavy machine gun", "Soviet"),
    ("12.7x99mm", "heavy machine gun", "NATO"),
]
OTHERS = [
    "5.45x18mm",
    "9x17mm",
    "9x39mm",
    "7.62x25mm",
    "23x152mmB",
    "30x165mm",
    "30x173mm",
    "40x46mm",
    "40x53mm",
    "20x102mm",
    "25x137mm",
]
BORES = ["60", "81", "82", "105", "107", "120", "122", "125", "130", "152", "155", "203"]
BORES += ["227", "240", "300"]


@pytest.mark.parametrize(("canonical", "role", "standard"), STANDARD_TABLE)
def test_standard_cartridges_have_role_and_standard(
    canonical: str, role: str, standard: str
) -> None:
    info = calibre_info(canonical)
    assert info is not None
    assert (info["kind"], info["role"], info["standard"]) == ("cartridge", role, standard)


@pytest.mark.parametrize("canonical", OTHERS)
def test_other_cartridges_are_listed_without_a_standard(canonical: str) -> None:
    info = calibre_info(canonical)
    assert info is not None
    assert info["kind"] == "cartridge"
    assert info["standard"] is None
    assert info["role"]


@pytest.mark.parametrize("bore", BORES)
def test_bore_only_calibres(bore: str) -> None:
    canonical = f"{bore}mm"
    assert normalise_calibre(f"{bore} mm") == canonical
    assert normalise_calibre(bore) == canonical
    info = calibre_info(canonical)
    assert info is not None
    assert info["kind"] == "bore"
    assert info["names"] == ()


def test_calibre_info_unknown_or_not_canonical() -> None:
    assert calibre_info("57mm") is None
    assert calibre_info("7.62 x 39") is None
    assert calibre_info("9mm Luger") is None


def test_calibre_info_returns_a_copy() -> None:
    info = calibre_info("9x19mm")
    assert info is not None
    assert "9mm Luger" in info["names"]
    info["role"] = "changed"
    assert calibre_info("9x19mm")["role"] == "pistol"  # type: ignore[index]


@pytest.mark.parametrize("canonical", LISTED + BORE_ONLY)
def test_every_listed_calibre_is_a_fixed_point(canonical: str) -> None:
    assert normalise_calibre(canonical) == canonical


@pytest.mark.parametrize(
    ("name", "canonical"),
    [(name, entry["canonical"]) for entry in RAW["cartridges"] for name in entry["names"]],
)
def test_every_name_in_the_data_file_resolves(name: str, canonical: str) -> None:
    assert normalise_calibre(name) == canonical
    assert normalise_calibre(name.upper()) == canonical


@pytest.mark.parametrize("canonical", LISTED)
def test_the_bore_of_every_listed_cartridge_is_ambiguous(canonical: str) -> None:
    parsed = parse_calibre(canonical)
    with pytest.raises(CalibreError) as caught:
        parse_calibre(f"{parsed.bore_mm} mm")
    assert caught.value.reason == "ambiguous"
    assert canonical in caught.value.candidates


def test_systems_and_look_alikes_are_not_aliases() -> None:
    aliased = {name.casefold() for entry in RAW["cartridges"] for name in entry["names"]}
    refused = {entry["name"].casefold() for entry in RAW["not_equivalent"] + RAW["systems"]}
    assert "grad" in refused
    assert ".223 remington" in refused
    assert ".308 winchester" in refused
    assert not aliased & refused


def test_data_is_loaded_once() -> None:
    assert calibre_module._data() is calibre_module._data()


def _broken(mutate: Any) -> dict[str, Any]:
    raw = copy.deepcopy(RAW)
    mutate(raw)
    return raw


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda raw: raw["cartridges"][0].update(canonical="9 x 18 mm"), "canonical form"),
        (lambda raw: raw["cartridges"][0].update(canonical="9.0x18mm"), "canonical form"),
        (lambda raw: raw["cartridges"].append(dict(raw["cartridges"][0])), "duplicate"),
        (lambda raw: raw["cartridges"][0].update(canonical="152mm"), "bad or duplicate"),
        (lambda raw: raw["cartridges"][0]["names"].append("9mm Luger"), "two calibres"),
        (lambda raw: raw["cartridges"][0]["names"].append("7.62x39mm"), "two calibres"),
        (lambda raw: raw["cartridges"][0]["names"].append("7.92x57mm"), "contradicts"),
        (lambda raw: raw["cartridges"][0]["names"].append("57mm"), "contradicts"),
        (lambda raw: raw["bore_only"].append({"canonical": "9mm", "role": "x"}), "clashes"),
        (lambda raw: raw["cartridges"][0]["names"].append("Grad"), "aliased and refused"),
    ],
)
def test_contradictory_data_is_rejected(mutate: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        calibre_module._build_data(_broken(mutate))


def test_shipped_data_builds() -> None:
    data = calibre_module._build_data(_raw_data())
    assert set(LISTED) <= set(data.info)


# --- properties -------------------------------------------------------------------------

CALIBRE_ALPHABET = [*"0123456789.,xX×*х mMrRbBsS", "cal ", "calibre ", "millimetres", "мм"]


@st.composite
def spellings(draw: st.DrawFn) -> tuple[str, str]:
    """A listed canonical calibre and one random way of writing it."""
    canonical = draw(st.sampled_from(LISTED + BORE_ONLY))
    parsed = parse_calibre(canonical)
    space = st.sampled_from(["", " ", "  ", "\t"])

    def number(value: Decimal) -> str:
        text = str(value)
        text += draw(st.sampled_from(["", "0"] if "." in text else ["", ".0", ".00"]))
        return text.replace(".", draw(st.sampled_from([".", ","])))

    unit = st.sampled_from(["mm", "MM", "Mm", " mm", " millimetres", "мм"])
    text = draw(st.sampled_from(["", "cal. ", "calibre ", "Caliber "])) + number(parsed.bore_mm)
    if parsed.case_mm is None:
        text += draw(unit)
    else:
        text += draw(st.sampled_from(["", "mm"])) + draw(space)
        text += draw(st.sampled_from(["x", "X", "×", "*", "х"])) + draw(space)
        text += number(parsed.case_mm)
        if parsed.suffix:
            text += draw(st.sampled_from(["", "mm", " mm "])) + draw(
                st.sampled_from([parsed.suffix, parsed.suffix.lower()])
            )
        else:
            text += draw(st.sampled_from(["", "mm", " mm", " MM"]))
    return draw(space) + text + draw(space), canonical


@settings(max_examples=400)
@given(spellings())
def test_any_spelling_of_a_listed_calibre_normalises_to_it(case: tuple[str, str]) -> None:
    text, canonical = case
    assert normalise_calibre(text) == canonical


@settings(max_examples=600)
@given(
    st.one_of(
        st.text(max_size=MAX_INPUT_LENGTH + 8),
        st.lists(st.sampled_from(CALIBRE_ALPHABET), max_size=16).map("".join),
    )
)
@example("7.62x54R")
@example(".50 cal")
@example("٣mm")
def test_normalise_is_idempotent_and_only_raises_calibre_error(text: str) -> None:
    try:
        canonical = normalise_calibre(text)
    except CalibreError as error:
        assert error.reason in {"ambiguous", "unrecognised"}
        assert error.text == text
        return
    assert normalise_calibre(canonical) == canonical
    assert parse_calibre(canonical).canonical == canonical
