"""Counts in digits and words; money is a value, never a count; a calibre is no count."""

from __future__ import annotations

import pytest

from enduse.osint.quantities import count, money, quantity


@pytest.mark.parametrize(("text", "value", "unit"), [
    ("supplying hundreds of thousands of artillery shells", 100000, "shells"),
    ("as well as a million rounds of ammunition", 1000000, "rounds"),
    ("some 40,000 125mm tank rounds", 40000, "rounds"),
    ("between 3 and 4 million artillery rounds", 3000000, "rounds"),
    ("1.2 million rounds of 7.62x39mm ammunition", 1200000, "rounds"),
    ("two dozen Su-35 fighter jets", 24, "jets"),
    ("all 212 155mm self-propelled howitzers", 212, "howitzers"),
])  # fmt: skip
def test_counts(text: str, value: int, unit: str):
    found = count(text)
    assert found is not None and (found.value, found.unit) == (value, unit)


def test_a_calibre_is_not_a_count():
    assert count("shipping 152 mm and 122-mm rounds to Ukraine") is None


@pytest.mark.parametrize(("text", "value", "unit"), [
    ("ammunition worth €14.6 million", 14600000, "EUR"),
    ("a $2.3bn deal", 2300000000, "USD"),
    ("about 2.4 billion leva", 2400000000, "BGN"),
    ("955 million Swiss francs", 955000000, "CHF"),
])  # fmt: skip
def test_money(text: str, value: int, unit: str):
    found = money(text)
    assert found is not None and (found.value, found.unit) == (value, unit)


def test_a_count_wins_over_money_and_money_stands_in_for_none():
    both = "about 30,000 122 mm Grad rockets worth €95 million"
    assert quantity([both]).unit == "rockets"  # type: ignore[union-attr]
    assert quantity(["contracts worth about $250 million"]).unit == "USD"  # type: ignore[union-attr]
    assert quantity(["no figures here"]) is None


def test_a_price_is_never_counted_as_goods():
    assert quantity(["Bulgaria sold €800 million worth of Grad rockets"]).unit == "EUR"  # type: ignore[union-attr]
    found = quantity(["It paid USD 12 million for 40 mortars."])
    assert found is not None and (found.value, found.unit) == (40, "mortars")
    assert quantity(["a contract worth $50 million in 155 mm shells"]).unit == "USD"  # type: ignore[union-attr]


def test_absurd_numbers_are_no_quantity():
    assert count("shipped " + "9" * 400 + " shells") is None
    assert count("shipped 50,000,000,000,000 shells") is None
