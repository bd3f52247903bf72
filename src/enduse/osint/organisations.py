"""Companies a report names, and the state each belongs to, as the report itself says it
("Turkey's Anatolian Aerosystems", "the French company Loire Systemes", "Dinara Arms, a
manufacturer in Bosnia and Herzegovina", a press release's dateline)."""

from __future__ import annotations

import re

from enduse.osint.gazetteer import country_mentions

ORG_SUFFIX = (
    r"Defen[cs]e|Arms|Works|Ordnance|Trading|Trade Partners|Industries|Systems|Systemes|"
    r"Aerospace|Aerosystems|Aero|Group|Holding|Munitions|Engineering|Partners|Cargo|Lines|"
    r"AG|Ltd\.?|Corporation|Wehrtechnik|Industry|Shipyards?|Dynamics|Technologies|Ammunition|"
    r"Armaments?|Arsenal|Explosives|Missiles|Rockets|Optics|Electronics|Shipbuilding|Naval|"
    r"Supplies|Solutions|Logistics|Defesa|Defensa|Industrias|Indústrias|Sistemas|Aeroespacial|"
    r"Aeronáutica|Armamentos|Savunma|Sanayi|Rüstung|Difesa|Armement|Défense|Systèmes|GmbH|Oy|Oyj|AB|ASA?|Inc\.?|LLC|plc|JSC|S\.p\.A\.|SpA|d\.o\.o\.|"
    r"a\.s\.|s\.r\.o\.|A\.Ş\.|Kft\.|Zrt\.|Ltda|Sdn Bhd|Pte Ltd|Pty Ltd|S\.A\.|B\.V\.|N\.V\.|EOOD|UAB"
)
ORG = re.compile(
    rf"(?<![\w-])(?:[A-Z][\w-]{{0,40}}\s+){{1,4}}(?:{ORG_SUFFIX})(?!\w)(?:\s+(?:{ORG_SUFFIX})(?!\w))*"
)
KIND = r"(?:manufacturer|company|firm|producer|maker|arms maker|group|plant|enterprise|exporter)"


def organisations(text: str) -> list[str]:
    out: list[str] = []
    for m in ORG.finditer(text):
        name = re.sub(r"^(?:The|A|An|In|On|By|From|And|But|Both)\s+", "", m.group(0).strip())
        if name not in out:
            out.append(name)
    return out


# Where a report gives a company's state, around one mention of its name (`before` the name or
# `after` it), in order of trust. Compiled once: a report names many companies.
_AROUND: list[tuple[str, re.Pattern[str]]] = [
    ("before", re.compile(r"(?P<c>[A-Z][\w .]+?)(?:'s|’s)\s+(?:state-owned\s+|state-run\s+|the\s+)?$")),
    ("after", re.compile(r"(?:\s+Co\.,?\s+Ltd\.?)?\s+is\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,2}?"
                         rf"(?P<c>[A-Z][\w-]+)\s+{KIND}")),
    ("before", re.compile(rf"(?P<c>[A-Z][\w-]+(?:\s[A-Z][\w-]+)?)\s+{KIND}\s+$")),
    ("after", re.compile(rf",\s+(?:a|an|the)\s+(?:[\w-]+\s+){{0,3}}?{KIND}\s+(?:in|based in|from)\s+"
                         r"(?P<c>(?:the\s+)?[A-Z][\w-]+(?:\s+(?:and\s+)?[A-Z][\w-]+)*)")),
    ("after", re.compile(r"\s+and\s+other\s+(?P<c>[A-Z][\w-]+)\s+(?:firms|companies)")),
    ("after", re.compile(r",\s+one of\s+(?P<c>[A-Z][\w ]+?)(?:'s|’s)\s+(?:[\w-]+\s+){0,3}?(?:makers|"
                         r"manufacturers|producers|companies|firms|exporters)")),
    ("after", re.compile(rf",\s+(?:a|an)\s+(?P<c>[A-Z][\w-]+)\s+(?:[\w-]+\s+){{0,2}}?{KIND}")),
]  # fmt: skip
_WINDOW = 300


def _occurrences(text: str, name: str) -> list[int]:
    out, i = [], text.find(name)
    while i >= 0:
        out.append(i)
        i = text.find(name, i + 1)
    return out


def _stated_state(text: str, org: str) -> str | None:
    at = _occurrences(text, org)
    for side, pattern in _AROUND:
        for i in at:
            if side == "before":
                start = max(0, i - _WINDOW)
                m = pattern.search(text, start, i)
            else:
                start = i + len(org)
                m = pattern.match(text, start, start + _WINDOW)
            if m and (found := country_mentions(m.group("c"))):
                return found[-1].code
    return None


def org_countries(text: str) -> dict[str, str]:
    """Each organisation's state, where the report says it."""
    out: dict[str, str] = {}
    named = organisations(text)
    for org in named:
        if code := _stated_state(text, org):
            out[org] = code
    mentioned = [m.code for m in country_mentions(text)]
    for org in named:
        if org not in out and (code := _legal_form_state(text, org, mentioned)):
            out[org] = code
    default = _press_release_state(text)
    if default:
        for org in named:
            out.setdefault(org, default)
    return {org: out[org] for org in named if org in out}  # in the order the report names them


# A company's legal form narrows its state to a few ("Oy" is Finnish, "AG" German, Swiss,
# Austrian or Liechtenstein); the states the report names choose among them.
LEGAL_FORMS: dict[str, tuple[str, ...]] = {
    "GmbH": ("DE", "AT", "CH"), "AG": ("DE", "CH", "AT", "LI"), "KG": ("DE", "AT"),
    "Oy": ("FI",), "Oyj": ("FI",), "AB": ("SE",), "ASA": ("NO",), "AS": ("NO", "EE", "DK"),
    "A/S": ("DK", "NO"), "ApS": ("DK",), "a.s.": ("CZ", "SK"), "s.r.o.": ("CZ", "SK"),
    "d.o.o.": ("RS", "HR", "SI", "BA", "ME", "MK"), "d.d.": ("HR", "SI", "BA"),
    "a.d.": ("RS", "BA", "ME", "MK"), "S.p.A.": ("IT",), "SpA": ("IT",), "S.r.l.": ("IT", "RO"),
    "SRL": ("RO", "IT"), "Sp. z o.o.": ("PL",), "S.A.S.": ("FR",), "SAS": ("FR",),
    "A.Ş.": ("TR",), "Kft.": ("HU",), "Zrt.": ("HU",), "EOOD": ("BG",), "OOD": ("BG",),
    "AD": ("BG", "RS", "MK"), "B.V.": ("NL",), "BV": ("NL",), "N.V.": ("NL", "BE"),
    "Pty Ltd": ("AU", "ZA"), "Pvt Ltd": ("IN", "PK"), "Bhd": ("MY",), "Tbk": ("ID",),
    "JSC": ("RU", "KZ", "UA", "BY", "AZ", "GE"), "PJSC": ("RU", "UA", "AE"), "Ltda": ("BR",),
    "S.A. de C.V.": ("MX",), "K.K.": ("JP",), "Co., Ltd.": ("KR", "CN", "JP", "TW", "TH"),
    "SIA": ("LV",), "UAB": ("LT",), "OÜ": ("EE",), "SE": ("DE", "FR"),
}  # fmt: skip
_FORM = re.compile(
    r",?\s*(?P<form>" + "|".join(
        re.escape(f) for f in sorted(LEGAL_FORMS, key=len, reverse=True)) + r")(?![\w])"
)  # fmt: skip


def _legal_form_state(text: str, org: str, mentioned: list[str]) -> str | None:
    """The state of "Moravia Aero, a.s." or "Alpenwerk Defence AG": the state its legal form
    allows that the report names most."""
    forms = [org.rsplit(" ", 1)[-1]] if " " in org else []
    for i in _occurrences(text, org):
        if m := _FORM.match(text, i + len(org), i + len(org) + 20):
            forms.append(m.group("form"))
    for form in forms:
        candidates = LEGAL_FORMS.get(form)
        if not candidates:
            continue
        if len(candidates) == 1:
            return candidates[0]
        named = [c for c in candidates if c in mentioned]
        if named:
            return max(named, key=mentioned.count)
    return None


def _press_release_state(text: str) -> str | None:
    """A press release speaks for its issuer, whose seat its dateline names."""
    head = text[:600]
    if not re.search(r"press release", head, re.IGNORECASE):
        return None
    dateline = re.search(r"^[A-Z][\w .-]+,\s+(?P<c>[^\n]+?)\s+[-–—]\s+\d", head, re.MULTILINE)
    if dateline is None:
        return None
    found = country_mentions(dateline.group("c"))
    return found[0].code if found else None
