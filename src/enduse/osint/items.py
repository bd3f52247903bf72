"""What: the goods a sentence names, with calibre and control-list category where evident."""

from __future__ import annotations

import re
from dataclasses import dataclass

CALIBRE = re.compile(
    r"\b(?P<cal>\d{1,3}(?:\.\d{1,2})?\s?(?:x|×)\s?\d{2,3}(?:mm)?R?|\d{1,3}(?:\.\d{1,2})?(?:\s|-)?mm)\b"
)
# Head nouns, most specific first, with their EU Common Military List category.
GOODS = [
    (r"mortar bombs?", "ML3"), (r"tank rounds?", "ML3"), (r"artillery (?:shells?|rounds?)", "ML3"),
    (r"shells?", "ML3"), (r"rounds?(?: of (?:[\w.-]+ )?ammunition)?", "ML3"),
    (r"ammunition", "ML3"), (r"cartridges?", "ML3"), (r"(?:Grad )?rockets?", "ML4"),
    (r"(?:ballistic |cruise |anti-ship )*missiles?", "ML4"), (r"grenades?", "ML4"),
    (r"(?:armed |combat |attack )?drones?", "ML10"), (r"loitering munitions?", None),
    (r"(?:assault )?rifles?", "ML1"), (r"machine guns?", "ML1"), (r"pistols?", "ML1"),
    (r"(?:self-propelled |towed )?howitzers?", "ML2"), (r"mortars?", "ML2"),
    (r"(?:multiple )?rocket launchers?", None), (r"tanks?", "ML6"),
    (r"(?:armoured |armored )(?:patrol )?vehicles?", "ML6"), (r"fighter jets?", "ML10"),
    (r"(?:fighter|attack|light attack|multirole fighter) (?:jets?|aircraft)", "ML10"),
    (r"helicopters?", "ML10"), (r"weapons", None), (r"arms", None),
]  # fmt: skip
_GOODS = re.compile(
    r"(?P<pre>(?:[\w.-]+\s+){0,3}?)(?P<head>" + "|".join(f"(?:{g})" for g, _ in GOODS) + r")\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Item:
    text: str
    calibre: str | None
    category: str | None


def _category(head: str) -> str | None:
    for pattern, category in GOODS:
        if re.fullmatch(pattern, head, re.IGNORECASE):
            return category
    return None


def items(sentence: str) -> list[Item]:
    out: list[Item] = []
    seen: set[str] = set()
    for m in _GOODS.finditer(sentence):
        head = m.group("head")
        if head.lower() in ("arms", "weapons") and out:
            continue
        pre = m.group("pre")
        cal = CALIBRE.search(pre)
        start = m.start("pre") + cal.start() if cal else m.start("head")
        text = sentence[start : m.end()]
        key = text.lower()
        if key in seen or (
            head.lower() == "arms"
            and re.match(
                r"\s*(makers?|industry|trade|exports?|embargo|deliveries|sales?|suppl)",
                sentence[m.end() :],
            )
        ):
            continue
        seen.add(key)
        inner = cal or CALIBRE.search(text)
        out.append(Item(text, inner.group("cal") if inner else None, _category(head)))
    return out
