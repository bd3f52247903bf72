"""Companies a report names, and the state each belongs to, as the report itself says it
("Turkey's Anatolian Aerosystems", "the French company Loire Systemes", "Dinara Arms, a
manufacturer in Bosnia and Herzegovina", a press release's dateline)."""

from __future__ import annotations

import re

from enduse.osint.gazetteer import country_mentions

ORG_SUFFIX = (
    r"Defen[cs]e|Arms|Works|Ordnance|Trading|Trade Partners|Industries|Systems|Systemes|"
    r"Aerospace|Aerosystems|Aero|Group|Holding|Munitions|Engineering|Partners|Cargo|Lines|"
    r"AG|Ltd\.?|Corporation|Wehrtechnik|Industry|Shipyards?|Dynamics|Technologies"
)
ORG = re.compile(rf"\b(?:[A-Z][\w-]+\s+){{1,4}}(?:{ORG_SUFFIX})\b(?:\s+(?:{ORG_SUFFIX})\b)*")
KIND = r"(?:manufacturer|company|firm|producer|maker|arms maker|group|plant|enterprise|exporter)"


def organisations(text: str) -> list[str]:
    out: list[str] = []
    for m in ORG.finditer(text):
        name = re.sub(r"^(?:The|A|An|In|On|By|From|And|But|Both)\s+", "", m.group(0).strip())
        if name not in out:
            out.append(name)
    return out


def _country_at(text: str, start: int, end: int) -> str | None:
    found = country_mentions(text[start:end])
    return found[-1].code if found else None


def org_countries(text: str) -> dict[str, str]:
    """Each organisation's state, where the report says it."""
    out: dict[str, str] = {}
    for org in organisations(text):
        name = re.escape(org)
        patterns = [
            rf"(?P<c>[A-Z][\w .]+?)(?:'s|’s)\s+(?:state-owned\s+|state-run\s+|the\s+)?{name}",
            rf"{name}(?:\s+Co\.,?\s+Ltd\.?)?\s+is\s+(?:a|an|the)\s+(?:[\w-]+\s+){{0,2}}?"
            rf"(?P<c>[A-Z][\w-]+)\s+{KIND}",
            rf"(?P<c>[A-Z][\w-]+(?:\s[A-Z][\w-]+)?)\s+{KIND}\s+{name}",
            rf"{name},\s+(?:a|an|the)\s+(?:[\w-]+\s+){{0,3}}?{KIND}\s+(?:in|based in|from)\s+"
            rf"(?P<c>(?:the\s+)?[A-Z][\w-]+(?:\s+(?:and\s+)?[A-Z][\w-]+)*)",
            rf"{name}\s+and\s+other\s+(?P<c>[A-Z][\w-]+)\s+(?:firms|companies)",
            rf"{name},\s+one of\s+(?P<c>[A-Z][\w ]+?)(?:'s|’s)\s+(?:[\w-]+\s+){{0,3}}?(?:makers|"
            rf"manufacturers|producers|companies|firms|exporters)",
            rf"{name},\s+(?:a|an)\s+(?P<c>[A-Z][\w-]+)\s+(?:[\w-]+\s+){{0,2}}?{KIND}",
        ]
        for pattern in patterns:
            m = re.search(pattern, text)
            if m:
                code = _country_at(text, m.start("c"), m.end("c"))
                if code:
                    out[org] = code
                    break
    default = _press_release_state(text)
    if default:
        for org in organisations(text):
            out.setdefault(org, default)
    return out


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
