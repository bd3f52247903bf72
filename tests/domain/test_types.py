"""Field types shared by every document (enduse.domain.types): strict JSON types, ISO codes, export."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import Field, ValidationError

from enduse.domain.codes import check_country, check_currency, countries, currencies
from enduse.domain.errors import problems_from_pydantic
from enduse.domain.party import Signatory
from enduse.domain.types import (
    ControlEntryCode,
    Count,
    Country,
    Criterion,
    Currency,
    DecimalString,
    Identifier,
    IsoDate,
    Line,
    Quantity,
    Record,
    unknown_keys,
)


class Sample(Record):
    """One optional field of each shared type, validated under the Record config (strict)."""

    date: IsoDate | None = None
    country: Country | None = None
    currency: Currency | None = None
    value: DecimalString | None = None
    control_entry: ControlEntryCode | None = None
    criteria: list[Criterion] = Field(default_factory=list)
    quantity: Quantity | None = None
    count: Count | None = None
    line: Line | None = None
    ident: Identifier | None = None


class Inner(Record):
    name: str
    from_: IsoDate | None = Field(None, alias="from")


class Outer(Record):
    inner: Inner | None = None
    inners: list[Inner] = Field(default_factory=list)
    when: IsoDate | None = None


def ok(field: str, value: Any) -> Any:
    return getattr(Sample.model_validate({field: value}), field)


def reasons(field: str, value: Any) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as info:
        Sample.model_validate({field: value})
    return [(p.path, p.reason) for p in problems_from_pydantic(info.value)]


def refused(field: str, value: Any, reason: str) -> None:
    assert reasons(field, value) == [(f"$.{field}", reason)]


# --- dates ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-02-03", dt.date(2025, 2, 3)),
        ("2024-02-29", dt.date(2024, 2, 29)),
        ("0001-01-01", dt.date(1, 1, 1)),
    ],
)
def test_iso_dates_are_accepted(text: str, expected: dt.date) -> None:
    assert ok("date", text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2025-02-30",
        "2023-02-29",
        "2025-13-01",
        "2025-00-10",
        "0000-01-01",
        "03/02/2025",
        "03.02.2025",
        "2025-2-3",
        "20250203",
        "2025-02-03T10:00:00",
        "2025-02-03Z",
        " 2025-02-03",
        "2025-02-03\n",
        "2025-W05-1",
        "",
        "٢٠٢٥-٠٢-٠٣",
    ],
)
def test_non_iso_or_impossible_dates_are_invalid(text: str) -> None:
    refused("date", text, "invalid")


def test_date_error_messages_say_what_is_wrong() -> None:
    with pytest.raises(ValidationError) as info:
        Sample.model_validate({"date": "2025-02-30"})
    assert "not a calendar date" in problems_from_pydantic(info.value)[0].message
    with pytest.raises(ValidationError) as info:
        Sample.model_validate({"date": "03/02/2025"})
    assert "YYYY-MM-DD" in problems_from_pydantic(info.value)[0].message


@pytest.mark.parametrize("value", [20250203, True, ["2025-02-03"]])
def test_non_string_date_is_a_wrong_type(value: Any) -> None:
    refused("date", value, "wrong_type")


@settings(max_examples=200, deadline=None)
@given(st.dates())
def test_every_calendar_date_round_trips_as_iso(day: dt.date) -> None:
    text = day.isoformat()
    assert ok("date", text) == day
    assert Sample.model_validate({"date": text}).to_json() == {"date": text}


# --- countries and currencies ---------------------------------------------------


def test_country_and_currency_lists_are_iso_shaped() -> None:
    assert {"CZ", "RS", "UA", "BG", "XK"} <= countries()
    assert {"EUR", "USD", "RSD", "CZK"} <= currencies()
    assert all(len(c) == 2 and c.isascii() and c.isupper() for c in countries())
    assert all(len(c) == 3 and c.isascii() and c.isupper() for c in currencies())
    assert 240 < len(countries()) < 260


@pytest.mark.parametrize("code", ["XX", "cz", "Cz", "CZE", "C", "", "UK", "EU", " CZ", "ÇZ"])
def test_bad_country_codes_are_invalid(code: str) -> None:
    refused("country", code, "invalid")
    with pytest.raises(ValueError, match="ISO 3166-1"):
        check_country(code)


@pytest.mark.parametrize("code", ["EURO", "eur", "EU", "", "XYZ", "€"])
def test_bad_currency_codes_are_invalid(code: str) -> None:
    refused("currency", code, "invalid")
    with pytest.raises(ValueError, match="ISO 4217"):
        check_currency(code)


@pytest.mark.parametrize(
    ("field", "value"), [("country", 42), ("country", None), ("currency", ["EUR"])]
)
def test_codes_must_be_strings(field: str, value: Any) -> None:
    if value is None:
        assert ok(field, value) is None  # optional in Sample
    else:
        refused(field, value, "wrong_type")


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(sorted(countries())), st.sampled_from(sorted(currencies())))
def test_every_listed_code_is_accepted_and_kept(country: str, currency: str) -> None:
    assert check_country(country) == country and check_currency(currency) == currency
    assert Sample.model_validate({"country": country, "currency": currency}).to_json() == {
        "country": country,
        "currency": currency,
    }
    assert country.lower() not in countries()


# --- decimal strings ------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["0", "1250.00", "45000000.00", "-3.5", "1" * 18, "1." + "0" * 6, "007"]
)
def test_decimal_strings_are_kept_verbatim(text: str) -> None:
    assert ok("value", text) == text
    assert Sample.model_validate({"value": text}).to_json() == {"value": text}


@pytest.mark.parametrize(
    "text",
    [
        "",
        "1" * 19,
        "1." + "0" * 7,
        "1.",
        ".5",
        "+1",
        "1e3",
        "1,250.00",
        "1 250",
        " 1",
        "1.0.0",
        "NaN",
        "--1",
    ],
)
def test_bad_decimal_strings_are_invalid(text: str) -> None:
    refused("value", text, "invalid")


@pytest.mark.parametrize("value", [1250, 1250.0, True])
def test_decimal_given_as_number_is_a_wrong_type(value: Any) -> None:
    refused("value", value, "wrong_type")


def test_decimal_strings_are_ascii_only() -> None:
    refused("value", "١٢٥٠.٠٠", "invalid")


@settings(max_examples=200, deadline=None)
@given(
    st.decimals(
        min_value=-(10**17), max_value=10**17, places=2, allow_nan=False, allow_infinity=False
    )
)
def test_two_place_decimals_are_accepted(value: Decimal) -> None:
    text = f"{value:.2f}"
    assert ok("value", text) == text


# --- control-list entries ------------------------------------------------------------


@pytest.mark.parametrize("text", ["ML3.a", "ML8.a.1", "ML1", "ML22", "ml3a", "ML 4.a"])
def test_control_entries_are_accepted_and_kept_as_written(text: str) -> None:
    assert ok("control_entry", text) == text


@pytest.mark.parametrize(
    "text", ["ML99", "ML0", "ML23", "XYZ", "", "3.a", "ML3..a", "ML" + "1" * 100]
)
def test_bad_control_entries_are_invalid(text: str) -> None:
    refused("control_entry", text, "invalid")


def test_control_entry_must_be_a_string() -> None:
    refused("control_entry", 3, "wrong_type")


def test_control_entry_message_names_the_category_range() -> None:
    with pytest.raises(ValidationError) as info:
        Sample.model_validate({"control_entry": "ML99"})
    assert "ML1 to ML22" in problems_from_pydantic(info.value)[0].message


# --- criteria ---------------------------------------------------------------------


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 8), st.booleans())
def test_criteria_one_to_eight_as_int_or_string(n: int, as_text: bool) -> None:
    value: int | str = str(n) if as_text else n
    got = ok("criteria", [value])
    assert got == [value] and type(got[0]) is type(value)
    assert json.dumps(Sample.model_validate({"criteria": [value]}).to_json()) == json.dumps(
        {"criteria": [value]}
    )


@settings(max_examples=100, deadline=None)
@given(st.integers().filter(lambda n: not 1 <= n <= 8))
def test_criteria_outside_one_to_eight_are_invalid(n: int) -> None:
    assert reasons("criteria", [n]) == [("$.criteria[0]", "invalid")]
    assert reasons("criteria", [str(n)]) == [("$.criteria[0]", "invalid")]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("I", "invalid"),
        (" 1", "invalid"),
        ("01", "invalid"),
        ("", "invalid"),
        (1.0, "wrong_type"),
        (True, "wrong_type"),
        (None, "wrong_type"),
    ],
)
def test_criteria_odd_spellings(value: Any, reason: str) -> None:
    assert reasons("criteria", [value]) == [("$.criteria[0]", reason)]


# --- quantities, counts, lines, identifiers ------------------------------------------


@pytest.mark.parametrize("value", [1, 30000, 10**14 - 1, 0.5, 1e-9])
def test_positive_quantities(value: float) -> None:
    got = ok("quantity", value)
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (0, "out_of_range"),
        (-1, "out_of_range"),
        (0.0, "out_of_range"),
        (float("nan"), "out_of_range"),
        ("30000", "wrong_type"),
        (True, "wrong_type"),
        (False, "wrong_type"),
        ([1], "wrong_type"),
    ],
)
def test_bad_quantities(value: Any, reason: str) -> None:
    refused("quantity", value, reason)


def test_counts_allow_zero_but_not_negative_or_bool() -> None:
    assert ok("count", 0) == 0
    assert ok("count", 2.5) == 2.5
    refused("count", -1, "out_of_range")
    refused("count", True, "wrong_type")


@settings(max_examples=100, deadline=None)
@given(
    st.one_of(
        st.integers(min_value=1, max_value=10**14 - 1),
        st.floats(min_value=1e-300, max_value=9.9e13),
    )
)
def test_any_positive_number_below_the_limit_is_a_quantity_and_keeps_its_json_type(
    value: float,
) -> None:
    dumped = Sample.model_validate({"quantity": value}).to_json()
    assert json.dumps(dumped) == json.dumps({"quantity": value})


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (0, "out_of_range"),
        (-3, "out_of_range"),
        (1.0, "wrong_type"),
        ("1", "wrong_type"),
        (True, "wrong_type"),
    ],
)
def test_bad_lines(value: Any, reason: str) -> None:
    refused("line", value, reason)


def test_identifiers_are_one_to_two_hundred_characters() -> None:
    assert ok("ident", "x") == "x"
    assert ok("ident", "x" * 200) == "x" * 200
    assert reasons("ident", "")[0][0] == "$.ident"
    assert reasons("ident", "x" * 201)[0][0] == "$.ident"
    refused("ident", 5, "wrong_type")


# --- Record: unknown keys, export -------------------------------------------------------


def test_record_keeps_unknown_keys_and_exports_them() -> None:
    data = {"name": "J", "colour": "olive", "nested": {"a": [1, None]}}
    rec = Inner.model_validate(data)
    assert rec.model_extra == {"colour": "olive", "nested": {"a": [1, None]}}
    assert rec.to_json() == data


def test_to_json_omits_unset_fields_keeps_explicit_null_and_uses_aliases() -> None:
    assert Inner.model_validate({"name": "J"}).to_json() == {"name": "J"}
    assert Inner.model_validate({"name": "J", "from": None}).to_json() == {
        "name": "J",
        "from": None,
    }
    assert Inner.model_validate({"name": "J", "from": "2024-01-01"}).to_json() == {
        "name": "J",
        "from": "2024-01-01",
    }


def test_to_json_is_json_serialisable() -> None:
    rec = Outer.model_validate({"when": "2025-01-01", "inner": {"name": "J", "from": "2024-01-01"}})
    out = rec.to_json()
    assert json.loads(json.dumps(out)) == {
        "when": "2025-01-01",
        "inner": {"name": "J", "from": "2024-01-01"},
    }


def test_unknown_keys_lists_every_path_including_nested_and_listed_objects() -> None:
    rec = Outer.model_validate(
        {
            "extra_top": 1,
            "inner": {"name": "a", "from": "2024-01-01", "x": 1, "y": 2},
            "inners": [{"name": "b"}, {"name": "c", "z": None}],
        }
    )
    assert unknown_keys(rec) == ["$.extra_top", "$.inner.x", "$.inner.y", "$.inners[1].z"]
    assert unknown_keys(rec, "$.eucs[3]") == [
        "$.eucs[3].extra_top",
        "$.eucs[3].inner.x",
        "$.eucs[3].inner.y",
        "$.eucs[3].inners[1].z",
    ]


def test_unknown_keys_does_not_descend_into_unknown_values() -> None:
    rec = Outer.model_validate({"blob": {"deep": {"deeper": 1}}})
    assert unknown_keys(rec) == ["$.blob"]
    assert unknown_keys(Outer()) == []
    assert unknown_keys("not a model") == []


def test_records_are_strict_about_nested_types() -> None:
    with pytest.raises(ValidationError) as info:
        Outer.model_validate({"inners": [{"name": 1}], "inner": "J"})
    got = [(p.path, p.reason) for p in problems_from_pydantic(info.value)]
    assert got == [("$.inner", "wrong_type"), ("$.inners[0].name", "wrong_type")]


def test_signatory_uses_the_from_alias() -> None:
    sig = Signatory.model_validate({"name": "J", "from": "2024-01-01", "until": None})
    assert sig.starts == dt.date(2024, 1, 1)
    assert sig.to_json() == {"name": "J", "from": "2024-01-01", "until": None}


@pytest.mark.parametrize("value", [10**14, 10**20, 1e15])
def test_quantities_fit_the_ledgers_numeric_column(value: float) -> None:
    refused("quantity", value, "out_of_range")
