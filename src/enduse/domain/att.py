"""Arms Trade Treaty reporting categories for the items of an end-user certificate.

An ATT annual report (art. 13(3)) counts exports by the categories of art. 2(1). The
reporting template takes categories I-VII from the UN Register of Conventional Arms
(UNROCA) as defined when the Treaty entered into force, and category VIII from the UN
Register's template for voluntary reporting of small arms and light weapons. Sources
used for the rules below, in our words:

- ATT art. 2(1), 3, 4, 5(3) and 13(3); the ATT annual reporting template (CSP, 2017)
  and its Annex 1 (UN Register definitions of categories I-VII).
- UN Register: III covers guns, howitzers, mortars and multiple-launch rocket systems
  of 75 mm and above that deliver primarily indirect fire; VII covers rockets and
  missiles with a range of at least 25 km and their launchers, not ground-to-air
  missiles, and MANPADS as its own sub-category; IV and V count manned and unmanned
  aircraft apart; VI counts armed vessels (500 t and up, or smaller with long-range
  missiles or torpedoes).
- The UN Register's SALW template: small arms are revolvers and pistols, rifles and
  carbines, sub-machine guns, assault rifles, light machine guns; light weapons are heavy
  machine guns, grenade launchers, portable anti-tank guns, recoilless rifles, portable
  anti-tank missile launchers and rocket systems, and mortars of less than 75 mm.
- Ammunition/munitions (art. 3) are not in the template's tables. Many states report
  them voluntarily; here they get their own category rather than being dropped.
  Parts and components (art. 4) are not reported at all: they go under "Other", with
  everything else that the control list covers but the Treaty's categories do not.

How an item is classified: the control-list entry decides the family (ML1 small arms,
ML2 guns, ML3 ammunition, ML4 bombs, rockets and missiles, ML6 vehicles, ML9 vessels,
ML10 aircraft); the *head noun* of the description decides what the item is within it
(see ``KINDS``); modifiers anywhere in the description (``MLRS``, ``anti-tank``,
``unmanned``, ``transport``) and the calibre's bore refine it; ``RULES`` is read top to
bottom and the first rule that fits wins. An item no rule places falls back on the
control list's own flags (ML1 is all SALW, ML3 and ML4 are ammunition) or on "Other".

Judgement calls (an ATT report states facts to other states: when the description does
not say what the item is, the item goes to "Other", where a person sees its description,
rather than into a category it may not belong to):

- The head noun is what comes before "for", "with", "(", "," or ";": "122 mm rockets
  for Grad MLRS" are rockets, not an MLRS; "Tank, main battle" is a tank.
- Unguided rockets, bombs, torpedoes, grenades, mines (ML4) are munitions even when a
  UN Register reading could put long-range rockets in VII: the EUC does not give range.
  Guided missiles are VII, except anti-tank guided missiles (short range: munitions of
  light weapons) and surface-to-air missiles other than MANPADS (excluded from VII).
- Launchers: a multiple rocket launcher (MLRS) is III, as the UN Register counts it
  with artillery; an anti-tank launcher is a light weapon; MANPADS are VII (sub-category
  MANPADS); any other rocket or missile launcher is VII.
- Mortars follow the UN Register's 75 mm line: an 82 mm or 120 mm mortar is category
  III, a 60 mm mortar a light weapon (the ITI's 100 mm line for light weapons does not
  apply to mortars in the template).
- An ML2 item whose bore cannot be read is "Other": artillery and light weapons differ
  by calibre. Autocannons (calibre role "autocannon", or said so) and guns named as
  tank or naval guns are "Other": they are not artillery systems and belong to platforms.
- Machine guns of 12.7 mm and up, or called heavy, are light weapons even under ML1.
- ML6 vehicles are I only when called tanks (or a T-55..T-90) and II only when described
  as armoured combat vehicles (APC, IFV, BMP, BTR, MRAP, armoured vehicle); trucks,
  trailers and transporters are "Other" (the control list covers them, the Treaty does
  not).
- ML10 aircraft and helicopters described as transport, cargo, trainer, utility,
  reconnaissance or unarmed are "Other"; otherwise helicopters are V and aircraft IV,
  "unmanned" when the description says UAV, drone, unmanned or remotely piloted.
- ML9 vessels are VI without a displacement check (the EUC does not give it); naval
  equipment that is not a vessel (sonar, engines) is "Other".
- ML8 energetic materials (propellants, explosives in bulk) are not "ammunition/munitions
  fired, launched or delivered" (art. 3): "Other".
- No control-list entry, or one that does not parse: "Other".
- The unit plays no part in the category; the report keeps units apart instead.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple

from enduse.domain.calibre import CalibreError, calibre_info, parse_calibre
from enduse.domain.control_list import (
    ControlEntryError,
    is_ammunition,
    parse_control_entry,
    salw_coverage,
)

__all__ = [
    "AMMUNITION",
    "CATEGORIES",
    "CATEGORY_ORDER",
    "KINDS",
    "OTHER",
    "RULES",
    "AttCategory",
    "Rule",
    "bore_mm",
    "classify",
    "classify_item",
    "item_kind",
]

AMMUNITION = "AMMO"
OTHER = "OTHER"

#: Codes and titles in the template's order, then the two categories the template lacks.
CATEGORIES: Mapping[str, str] = {
    "I": "Battle tanks",
    "II": "Armoured combat vehicles",
    "III": "Large-calibre artillery systems",
    "IV": "Combat aircraft",
    "V": "Attack helicopters",
    "VI": "Warships",
    "VII": "Missiles and missile launchers",
    "VIII": "Small arms and light weapons",
    AMMUNITION: "Ammunition/munitions (art. 3, voluntary)",
    OTHER: "Other (not an ATT category)",
}
CATEGORY_ORDER: Mapping[str, int] = {code: i for i, code in enumerate(CATEGORIES)}

SMALL_ARMS = "small arms"
LIGHT_WEAPONS = "light weapons"
MANNED = "manned"
UNMANNED = "unmanned"
MANPADS = "MANPADS"


class AttCategory(NamedTuple):
    """Where an item goes in the report: code ("III"), title, sub-category or None."""

    code: str
    title: str
    subcategory: str | None


# What an item is, from the noun of its description. When several match, the one that
# ends last wins ("anti-tank rocket launcher" is a launcher), and among those the longest
# ("grenade launcher" over "launcher", "sub-machine gun" over "machine gun"). Each pattern
# is matched as whole words, on the case-folded description.
KINDS: Mapping[str, str] = {
    "parts": r"parts?|components?|spares?|barrels?|kits?|accessor(?:y|ies)|magazines?|fuzes?",
    "tank": r"(?<!anti )(?<!-)tanks?|t-(?:55|62|64|72|80|90)\w*",
    "acv": (
        r"armou?red (?:personnel carriers?|combat vehicles?|fighting vehicles?|vehicles?|cars?)"
        r"|personnel carriers?|infantry fighting vehicles?|combat vehicles?"
        r"|(?:apc|ifv|aifv|mrap)s?|(?:bmp|btr|bmd)(?:s|-\w+)?"
    ),
    "vehicle": r"trucks?|lorr(?:y|ies)|trailers?|transporters?|tankers?|jeeps?|cars?|buses",
    "helicopter": r"helicopters?|rotorcraft|gunships?",
    "aircraft": (
        r"aircraft|aeroplanes?|airplanes?|jets?|fighters?|bombers?|aerial vehicles?"
        r"|(?:uav|ucav|rpa)s?|uas|drones?"
    ),
    "vessel": (
        r"ships?|vessels?|frigates?|corvettes?|destroyers?|submarines?|boats?|cruisers?"
        r"|warships?|minesweepers?|minehunters?|craft"
    ),
    "manpads": r"manpads|man-?portable air[- ]defen[cs]e(?: systems?)?",
    "launcher": r"launch(?:er|ers|ing)|mlrs|mrls|(?:rocket|missile) systems?|firing posts?",
    "missile": r"missiles?|atgms?",
    "munition": (
        r"rockets?|bombs?|torpedo(?:es)?|grenades?|mines?|warheads?|charges?|munitions?"
        r"|ammunition|rounds?|shells?|projectiles?|cartridges?|bullets?"
    ),
    "machine_gun": r"machine[- ]?guns?|(?:hmg|lmg|gpmg)s?",
    "grenade_launcher": r"grenade[- ]launchers?",
    "recoilless": r"recoilless(?: rifles?| guns?)?",
    "mortar": r"mortars?",
    "artillery": r"howitzers?|gun-howitzers?|artillery|field guns?|self-propelled guns?",
    "cannon": r"auto-?cannons?|cannons?",
    "gun": r"guns?",
    "small_arm": r"rifles?|carbines?|pistols?|revolvers?|sub-?machine[- ]?guns?|smgs?|shotguns?",
}
_KIND_RES = {kind: re.compile(rf"\b(?:{pattern})\b") for kind, pattern in KINDS.items()}

# Modifiers, looked for anywhere in the (case-folded) description.
_MLRS = r"\bmlrs\b|\bmrls\b|multiple[- ](?:launch|rocket)|rocket artillery|\bbm-\d+"
_ANTI_TANK = r"anti-?tank|\batgms?\b"
_SURFACE_TO_AIR = r"surface-to-air|ground-to-air|anti-?aircraft|air[- ]defen[cs]e|\bsams?\b"
_MANPADS = r"\bmanpads\b|man-?portable"
_HEAVY = r"\bheavy\b"
_PLATFORM_GUN = (
    r"(?<!anti-)(?<!anti )\btank guns?\b|\bnaval guns?\b|\bship'?s? guns?\b|\bturrets?\b"
)
_UNMANNED = r"unmanned|uninhabited|remotely[- ]piloted|\b(?:uav|ucav|rpa)s?\b|\buas\b|\bdrones?\b"
_NON_COMBAT = (
    r"\b(?:transport|cargo|utility|trainers?|training|unarmed|reconnaissance|surveillance"
    r"|liaison|medevac|search and rescue|tankers?)\b"
)
_AUTOCANNON_ROLE = r"autocannon"


@dataclass(frozen=True, slots=True)
class Rule:
    """If the item is in `ml` (any if empty) and is one of `kinds` (any if empty), and the
    modifiers and bore fit, it goes to `code`/`sub`. `why` says which source or choice."""

    ml: frozenset[int]
    kinds: frozenset[str]
    code: str
    sub: str | None = None
    when: str | None = None  # a modifier the description must contain
    min_mm: Decimal | None = None  # bore at least this (an unknown bore passes...)
    below_mm: Decimal | None = None  # bore below this
    needs_bore: bool = False  # ... unless the bore is needed
    role: str | None = None  # the calibre's role (data/calibres.json) must match
    why: str = ""


def _rule(ml: set[int], kinds: set[str], code: str, sub: str | None = None, **kw: Any) -> Rule:
    for name in ("min_mm", "below_mm"):
        if kw.get(name) is not None:
            kw[name] = Decimal(str(kw[name]))
    return Rule(frozenset(ml), frozenset(kinds), code, sub, **kw)


ANY: set[str] = set()
ARTILLERY_MM = 75  # UN Register category III: 75 mm and above
HMG_MM = "12.7"

RULES: tuple[Rule, ...] = (
    _rule(set(), {"parts"}, OTHER, why="parts and components (art. 4) are not reported"),
    # ML1: small arms, except heavy machine guns
    _rule({1}, {"machine_gun"}, "VIII", LIGHT_WEAPONS, when=_HEAVY, why="heavy machine gun"),
    _rule({1}, {"machine_gun"}, "VIII", LIGHT_WEAPONS, min_mm=HMG_MM, needs_bore=True,
          why="a 12.7 mm machine gun is a heavy machine gun"),
    _rule({1}, ANY, "VIII", SMALL_ARMS, why="ML1 arms are small arms"),
    # ML2: artillery from 75 mm, light weapons below, platform guns and autocannons neither
    _rule({2}, {"gun", "cannon"}, OTHER, when=_PLATFORM_GUN, why="armament of a tank or ship"),
    _rule({2}, {"launcher"}, "III", when=_MLRS, min_mm=ARTILLERY_MM, why="MLRS"),
    _rule({2}, {"machine_gun", "grenade_launcher", "recoilless", "launcher"}, "VIII",
          LIGHT_WEAPONS, why="SALW template: light weapons"),
    _rule({2}, {"gun"}, "VIII", LIGHT_WEAPONS, when=_ANTI_TANK, below_mm=100,
          why="portable anti-tank gun"),
    _rule({2}, {"mortar"}, "III", min_mm=ARTILLERY_MM, needs_bore=True, why="mortar >= 75 mm"),
    _rule({2}, {"mortar"}, "VIII", LIGHT_WEAPONS, below_mm=ARTILLERY_MM, needs_bore=True,
          why="mortar < 75 mm"),
    _rule({2}, {"gun", "cannon", "artillery"}, OTHER, when=_SURFACE_TO_AIR,
          why="air-defence guns are not artillery systems (III engages surface targets)"),
    _rule({2}, {"artillery"}, "III", min_mm=ARTILLERY_MM, why="howitzers and guns"),
    _rule({2}, ANY, OTHER, role=_AUTOCANNON_ROLE, below_mm=ARTILLERY_MM, why="autocannon"),
    _rule({2}, {"cannon"}, OTHER, below_mm=ARTILLERY_MM, needs_bore=True, why="autocannon"),
    _rule({2}, ANY, "III", min_mm=ARTILLERY_MM, needs_bore=True, why="ML2 of 75 mm and above"),
    _rule({2}, ANY, "VIII", LIGHT_WEAPONS, below_mm=ARTILLERY_MM, needs_bore=True,
          why="ML2 below 75 mm"),
    _rule({2}, ANY, OTHER, why="no bore: artillery and light weapons cannot be told apart"),
    # ML4: launchers and guided missiles are VII; unguided munitions are ammunition
    _rule({4}, {"manpads"}, "VII", MANPADS, why="MANPADS"),
    _rule({4}, {"launcher", "missile"}, "VII", MANPADS, when=_MANPADS, why="MANPADS"),
    _rule({4}, {"launcher"}, "III", when=_MLRS, min_mm=ARTILLERY_MM, why="MLRS"),
    _rule({4}, {"launcher"}, "VIII", LIGHT_WEAPONS, when=_ANTI_TANK,
          why="portable anti-tank missile launchers and rocket systems"),
    _rule({4}, {"launcher"}, "VII", why="missile and rocket launchers"),
    _rule({4}, {"missile"}, AMMUNITION, when=_ANTI_TANK, why="anti-tank guided missiles"),
    _rule({4}, {"missile"}, OTHER, when=_SURFACE_TO_AIR, why="VII excludes ground-to-air"),
    _rule({4}, {"missile"}, "VII", why="guided missiles"),
    # ML6: tanks and armoured combat vehicles; other vehicles are not ATT categories
    _rule({6}, {"tank"}, "I", why="battle tank"),
    _rule({6}, {"acv"}, "II", why="armoured combat vehicle"),
    _rule({6}, ANY, OTHER, why="unarmoured or support vehicle"),
    # ML9: vessels
    _rule({9}, {"vessel"}, "VI", why="warship"),
    _rule({9}, ANY, OTHER, why="naval equipment that is not a vessel"),
    # ML10: combat aircraft and attack helicopters, manned or unmanned
    _rule({10}, {"helicopter", "aircraft"}, OTHER, when=_NON_COMBAT, why="not for combat"),
    _rule({10}, {"helicopter"}, "V", UNMANNED, when=_UNMANNED, why="unmanned"),
    _rule({10}, {"helicopter"}, "V", MANNED, why="attack helicopter"),
    _rule({10}, {"aircraft"}, "IV", UNMANNED, when=_UNMANNED, why="unmanned"),
    _rule({10}, {"aircraft"}, "IV", MANNED, why="combat aircraft"),
    _rule({10}, ANY, OTHER, why="aircraft equipment that is not an aircraft"),
    # ML8: bulk energetic materials are not munitions (art. 3)
    _rule({8}, ANY, OTHER, why="energetic materials"),
)  # fmt: skip

_HEAD_END = re.compile(
    r"\s(?:for|with|compatible with|to be used|intended|incl\.?|including)\s|[(;:]|,(?!\d)"
)  # "7,62 mm" keeps its decimal comma
_BORE_IN_TEXT = re.compile(
    r"(?<![\d.])(\d{1,3}(?:[.,]\d{1,2})?)\s*(?:[x×]\s*\d{1,3}(?:[.,]\d{1,2})?\s*)?mm(?![a-z])"
)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _kind(text: str) -> str | None:
    """The kind whose keyword ends last in `text` (the longest among those), or None."""
    best: tuple[int, int, str] | None = None
    for kind, pattern in _KIND_RES.items():
        for match in pattern.finditer(text):
            key = (match.end(), match.end() - match.start(), kind)
            if best is None or key[:2] > best[:2]:
                best = key
    return best[2] if best else None


def item_kind(description: str) -> str | None:
    """What the description says the item is: the head noun's kind, else any noun's."""
    folded = _fold(description)
    head = _HEAD_END.split(folded, maxsplit=1)[0]
    return _kind(head) or _kind(folded)


def bore_mm(calibre: str | None, description: str = "") -> Decimal | None:
    """The bore in millimetres, from the calibre, else from "152 mm" in the description.

    An ambiguous calibre ("7.62 mm") still has a bore: every candidate shares it.
    """
    if calibre:
        try:
            return parse_calibre(calibre).bore_mm
        except CalibreError as e:
            if e.candidates:
                return parse_calibre(e.candidates[0]).bore_mm
        match = _BORE_IN_TEXT.search(_fold(calibre))
        if match:
            return Decimal(match[1].replace(",", "."))
    match = _BORE_IN_TEXT.search(_fold(description))
    return Decimal(match[1].replace(",", ".")) if match else None


def _role(calibre: str | None) -> str:
    if not calibre:
        return ""
    try:
        info = calibre_info(parse_calibre(calibre).canonical)
    except CalibreError:
        return ""
    return str(info["role"]) if info else ""


def _fits(
    rule: Rule, ml: int, kind: str | None, text: str, bore: Decimal | None, role: str
) -> bool:
    if rule.ml and ml not in rule.ml:
        return False
    if rule.kinds and kind not in rule.kinds:
        return False
    if rule.when and not re.search(rule.when, text):
        return False
    if rule.role and not re.search(rule.role, role):
        return False
    if bore is None:
        return not rule.needs_bore
    if rule.min_mm is not None and bore < rule.min_mm:
        return False
    return not (rule.below_mm is not None and bore >= rule.below_mm)


def _category(code: str, sub: str | None = None) -> AttCategory:
    return AttCategory(code, CATEGORIES[code], sub)


@lru_cache(maxsize=4096)
def classify(
    control_entry: str | None, calibre: str | None = None, description: str = ""
) -> AttCategory:
    """The ATT category of an item, from its control entry, calibre and description.

    Pure and deterministic; cached, as a report classifies the same few items many times.
    """
    if not control_entry:
        return _category(OTHER)
    try:
        entry = parse_control_entry(control_entry)
    except ControlEntryError:
        return _category(OTHER)
    text = _fold(description)
    kind = item_kind(description)
    bore = bore_mm(calibre, description)
    role = _role(calibre)
    for rule in RULES:
        if _fits(rule, entry.category, kind, text, bore, role):
            return _category(rule.code, rule.sub)
    if salw_coverage(entry) == "all":
        return _category("VIII", SMALL_ARMS)
    if is_ammunition(entry):
        return _category(AMMUNITION)
    return _category(OTHER)


def classify_item(item: Mapping[str, Any]) -> AttCategory:
    """The ATT category of an EUC item as recorded (``items[]`` of an EUC document)."""
    return classify(
        item.get("control_entry") or None,
        item.get("calibre") or None,
        str(item.get("description") or ""),
    )
