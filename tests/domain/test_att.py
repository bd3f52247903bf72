"""ATT reporting categories of EUC items: the template's categories, and our judgement calls."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from enduse.domain.att import (
    AMMUNITION,
    CATEGORIES,
    KINDS,
    OTHER,
    RULES,
    AttCategory,
    bore_mm,
    classify,
    classify_item,
    item_kind,
)
from enduse.scenarios import scenario_text

SA, LW = "small arms", "light weapons"

CASES = [
    # the seed scenario's items
    ("ML3.a", "152mm", "152 mm HE artillery shells", AMMUNITION, None),
    ("ML3.a", "7.62x39mm", "7.62x39 mm ball cartridges", AMMUNITION, None),
    ("ML4.a", "122mm", "122 mm rockets for Grad MLRS", AMMUNITION, None),  # unguided: munitions
    # I, II: vehicles by what they are, not by ML6 alone
    ("ML6.a", None, "T-72B main battle tanks", "I", None),
    ("ML6.a", None, "Tank, main battle, M-84", "I", None),
    ("ML6.a", None, "BMP-2 infantry fighting vehicles", "II", None),
    ("ML6.a", None, "BTR-80 armoured personnel carriers", "II", None),
    ("ML6.a", None, "Tank transporters", OTHER, None),
    ("ML6.a", None, "Military trucks", OTHER, None),
    ("ML6.a", None, "Spare parts for T-72 tanks", OTHER, None),  # art. 4
    # III and the 75 mm line
    ("ML2.a", "155mm", "155 mm self-propelled howitzers", "III", None),
    ("ML2.a", None, "152 mm towed gun-howitzers", "III", None),
    ("ML2.a", "82mm", "82 mm mortars", "III", None),  # UN Register: mortars from 75 mm
    ("ML2.a", "120mm", "120 mm mortars", "III", None),
    ("ML2.a", "60mm", "60 mm mortars", "VIII", LW),
    ("ML4.b", "122mm", "BM-21 Grad multiple rocket launchers", "III", None),
    # ML2 that is neither artillery nor a light weapon
    ("ML2.a", "30x165mm", "30 mm automatic cannon 2A42", OTHER, None),
    ("ML2.a", "23x152mmB", "ZU-23-2 anti-aircraft guns", OTHER, None),
    ("ML2.a", "125mm", "125 mm tank guns 2A46", OTHER, None),
    ("ML2.a", None, "Guns", OTHER, None),  # no bore: cannot tell
    # IV, V: manned and unmanned, not transport or training
    ("ML10.a", None, "Su-25 ground attack aircraft", "IV", "manned"),
    ("ML10.c", None, "Bayraktar TB2 unmanned combat aerial vehicles", "IV", "unmanned"),
    ("ML10.a", None, "Mi-24 attack helicopters", "V", "manned"),
    ("ML10.a", None, "Mi-17 transport helicopters", OTHER, None),
    ("ML10.a", None, "L-39 jet trainers", OTHER, None),
    # VI
    ("ML9.a", None, "Frigate", "VI", None),
    ("ML9.a", None, "Hull-mounted sonar", OTHER, None),
    # VII and what is not
    ("ML4.a", None, "Cruise missiles", "VII", None),
    ("ML4.b", None, "Launchers for cruise missiles", "VII", None),
    ("ML4.a", None, "9K38 Igla MANPADS", "VII", "MANPADS"),
    ("ML4.a", None, "Igla missiles (MANPADS)", "VII", "MANPADS"),
    ("ML4.a", None, "Surface-to-air missiles", OTHER, None),  # VII excludes ground-to-air
    ("ML4.a", None, "9M133 Kornet ATGMs", AMMUNITION, None),
    ("ML4.a", None, "Aircraft bombs, 500 kg", AMMUNITION, None),
    ("ML4.a", None, "Anti-tank mines", AMMUNITION, None),
    # VIII
    ("ML1.a", "7.62x39mm", "7.62 mm assault rifles", "VIII", SA),
    ("ML1.a", "7.62mm", "Kalashnikov rifles", "VIII", SA),  # ambiguous calibre: bore still known
    ("ML1.a", "9x19mm", "9 mm pistols", "VIII", SA),
    ("ML1.a", "12.7x108mm", "12.7 mm DShK machine guns", "VIII", LW),
    ("ML1.a", "7.62x54mmR", "PKM machine guns", "VIII", SA),
    ("ML2.a", "14.5x114mm", "14.5 mm heavy machine guns KPV", "VIII", LW),
    ("ML2.a", "40x46mm", "40 mm under-barrel grenade launchers", "VIII", LW),
    ("ML2.a", "73mm", "SPG-9 recoilless guns", "VIII", LW),
    ("ML4.b", None, "Kornet anti-tank guided missile launchers", "VIII", LW),
    ("ML1.a", None, "Magazines for AK rifles", OTHER, None),  # art. 4
    # neither
    ("ML8.a", None, "Nitrocellulose propellant", OTHER, None),
    ("ML11.a", None, "Radio sets", OTHER, None),
    (None, None, "Assault rifles", OTHER, None),
    ("XX1", None, "Assault rifles", OTHER, None),
]


@pytest.mark.parametrize(("entry", "calibre", "description", "code", "sub"), CASES)
def test_items_map_to_att_categories(entry, calibre, description, code, sub):
    category = classify(entry, calibre, description)
    assert category == AttCategory(code, CATEGORIES[code], sub)
    code_, title, subcategory = category  # a plain tuple for callers that unpack it
    assert (code_, subcategory) == (code, sub) and title == CATEGORIES[code]


def test_the_seed_scenarios_items():
    bundle = json.loads(scenario_text())
    found = {
        item["description"]: classify_item(item).code
        for euc in bundle["eucs"]
        for item in euc["items"]
    }
    assert found == {
        "152 mm HE artillery shells": AMMUNITION,
        "7.62x39 mm ball cartridges": AMMUNITION,
        "122 mm rockets for Grad MLRS": AMMUNITION,
    }


def test_spellings_of_the_control_entry_do_not_matter():
    assert classify("ml 2a", "82 mm", "82mm Mortars") == classify("ML2.a", "82mm", "82 mm mortars")


def test_the_head_noun_decides_what_the_item_is():
    assert item_kind("122 mm rockets for Grad MLRS") == "munition"
    assert item_kind("Anti-tank rocket launchers") == "launcher"
    assert item_kind("40 mm grenade launchers") == "grenade_launcher"
    assert item_kind("Sub-machine guns") == "small_arm"
    assert item_kind("Tank, main battle") == "tank"
    assert item_kind("Anti-tank guns") == "gun"
    assert item_kind("Radio sets") is None
    assert item_kind("7,62 mm rifles, for the guard battalion") == "small_arm"


def test_bores_from_the_calibre_or_the_description():
    assert bore_mm("152mm") == Decimal(152)
    assert bore_mm("7.62 mm") == Decimal("7.62")  # ambiguous cartridge, known bore
    assert bore_mm(".50") == Decimal("12.7")
    assert bore_mm(None, "82 mm mortars") == Decimal(82)
    assert bore_mm(None, "7,62x39 mm cartridges") == Decimal("7.62")
    assert bore_mm("Grad", "rockets") is None


def test_the_rule_table_names_only_known_categories_and_kinds():
    assert list(CATEGORIES)[:8] == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
    for rule in RULES:
        assert rule.code in CATEGORIES, rule
        assert rule.kinds <= set(KINDS), rule
        assert all(1 <= n <= 22 for n in rule.ml), rule
        assert rule.why, rule
        assert rule.sub is None or rule.code in ("IV", "V", "VII", "VIII"), rule
