"""Where a text names a state: by name, adjective or demonym, or by the seat of its government.

Names come from babel's English territory names (CLDR) plus the variants journalists use;
adjectives and capitals come from data/countries.tsv, since no maintained package on PyPI
ships English demonyms or capitals. One compiled alternation, longest forms first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from babel import Locale

from enduse.domain.codes import countries

Kind = Literal["name", "adjective", "capital", "group", "city"]

# Armed groups reported as recipients, counted as the state whose territory they hold.
GROUPS = {
    "Houthis": "YE", "Houthi": "YE", "Hezbollah": "LB", "Libyan National Army": "LY",
    "Rapid Support Forces": "SD", "RSF": "SD", "SAF": "SD", "Tatmadaw": "MM", "Taliban": "AF",
    "FAMa": "ML", "Ansar Allah": "YE", "M23": "CD", "Fano": "ET", "al-Shabaab": "SO",
    "Al-Shabaab": "SO",
}  # fmt: skip
# Regions a report names for where goods turned up, counted as their state.
REGIONS = {"Darfur": "SD", "Donbas": "UA", "Donbass": "UA", "Tigray": "ET", "Idlib": "SY",
           "Cabo Delgado": "MZ", "Cyrenaica": "LY", "Kursk region": "RU"}  # fmt: skip
# Ports, airports and hubs that arms shipments are reported to pass through.
CITIES = {
    "Constanta": "RO", "Burgas": "BG", "Varna": "BG", "Ploce": "HR", "Rijeka": "HR",
    "Bar": "ME", "Durres": "AL", "Aqaba": "JO", "Jeddah": "SA", "Port Sudan": "SD",
    "Benghazi": "LY", "Misrata": "LY", "Poti": "GE", "Batumi": "GE", "Gdansk": "PL",
    "Rzeszow": "PL", "Rzeszów": "PL", "Odesa": "UA", "Odessa": "UA", "Istanbul": "TR", "Mersin": "TR",
    "Bandar Abbas": "IR", "Jask": "IR", "Rajin": "KP", "Novorossiysk": "RU", "Latakia": "SY",
    "Tartus": "SY", "Hodeidah": "YE", "Mombasa": "KE", "Dar es Salaam": "TZ", "Lagos": "NG",
    "Antwerp": "BE", "Rotterdam": "NL", "Hamburg": "DE", "Piraeus": "GR", "Thessaloniki": "GR",
    "Koper": "SI", "Trieste": "IT", "Limassol": "CY", "Larnaca": "CY", "Dubai": "AE",
    "Jebel Ali": "AE", "Fujairah": "AE", "Sharjah": "AE", "Karachi": "PK", "Chittagong": "BD",
    "Yangon": "MM", "Port Klang": "MY", "Busan": "KR", "Dalian": "CN", "Vladivostok": "RU",
    "Nis": "RS", "Amdjarass": "TD", "Ouagadougou": "BF",
}  # fmt: skip
# Forms that name no state here, although a table lists them.
NOT_STATES = {"America", "Georgia Tech", "Chad Smith"}


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    code: str
    kind: Kind
    text: str


@dataclass(frozen=True)
class Gazetteer:
    forms: dict[str, tuple[str, Kind]]
    pattern: re.Pattern[str]

    def find(self, text: str) -> list[Mention]:
        found = []
        for m in self.pattern.finditer(text):
            code, kind = self.forms[m.group(0)]
            found.append(Mention(m.start(), m.end(), code, kind, m.group(0)))
        return found


def _rows() -> list[tuple[str, list[str], list[str], list[str]]]:
    raw = resources.files("enduse.osint").joinpath("data/countries.tsv").read_text("utf-8")
    rows = []
    for line in raw.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, names, adjectives, capitals = ([*line.split("\t"), "", "", ""])[:4]
        split = [
            [f.strip() for f in col.split(";") if f.strip()]
            for col in (names, adjectives, capitals)
        ]
        rows.append((code, *split))
    return rows


@cache
def gazetteer() -> Gazetteer:
    forms: dict[str, tuple[str, Kind]] = {}
    known = countries()
    english = Locale("en").territories
    for code in sorted(known):
        name = english.get(code)
        if name and code.isalpha():
            forms[re.sub(r"\s*\(.*\)", "", name)] = (code, "name")
    for code, names, adjectives, capitals in _rows():
        for form in names:
            forms[form] = (code, "name")
            if form.startswith("the "):
                forms[form[4:]] = (code, "name")
        for form in adjectives:
            forms.setdefault(form, (code, "adjective"))
        for form in capitals:
            forms.setdefault(form, (code, "capital"))
    for form, code in GROUPS.items():
        forms[form] = (code, "group")
    for form, code in REGIONS.items():
        forms[form] = (code, "name")
    for form, code in CITIES.items():
        forms.setdefault(form, (code, "city"))
    for form in NOT_STATES:
        forms.pop(form, None)
    alternatives = sorted(forms, key=len, reverse=True)
    # Whole words only; "US" and "UK" as written (not "us"), others case-sensitive too:
    # a state's name is a proper noun.
    pattern = re.compile(
        r"(?<![\w-])(?:" + "|".join(re.escape(f) for f in alternatives) + r")(?![\w$])"
    )
    return Gazetteer(forms, pattern)


def country_mentions(text: str) -> list[Mention]:
    return gazetteer().find(text)
