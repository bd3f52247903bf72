"""Goods with calibre and control-list category where evident."""

from __future__ import annotations

from enduse.osint.items import items


def test_calibres_and_categories():
    found = {(i.text, i.calibre, i.category) for i in items(
        "some 40,000 125mm tank rounds and 120 mm mortar bombs, plus Grad rockets")}  # fmt: skip
    assert ("125mm tank rounds", "125mm", "ML3") in found
    assert ("120 mm mortar bombs", "120 mm", "ML3") in found
    assert ("Grad rockets", None, "ML4") in found


def test_small_arms_guns_and_aircraft():
    cats = {i.category for i in items("assault rifles, self-propelled howitzers, fighter jets")}
    assert cats == {"ML1", "ML2", "ML10"}
    assert items("1.2 million rounds of 7.62x39mm ammunition")[0].calibre == "7.62x39mm"


def test_arms_industry_is_no_goods():
    assert [i.text for i in items("Serbia's arms industry has grown")] == []
