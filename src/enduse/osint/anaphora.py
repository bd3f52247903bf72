"""States a report names by description: "the kingdom", "the junta", "the Gulf state".

Long-form writing names a state once and then describes it ("Saudi Arabia: The kingdom on
Sunday signed ...", "In December the military government took delivery of ..."). Each such
description stands for the state named before it in the same sentence ("Saudi Arabia: The
kingdom"), else for the state named last before that sentence, by name, capital or group,
suppliers aside; descriptions too common or too loaded to point anywhere ("the country", "the
government", an exile radio's "the regime") are left alone, for a wrong state is worse than
none.
"""

from __future__ import annotations

import re
from dataclasses import replace

from enduse.osint.gazetteer import Mention, country_mentions
from enduse.osint.sentences import Sentence

REGION = (
    r"Gulf|Balkan|Caspian|Baltic|Nordic|Scandinavian|Sahel|Sahelian|Horn of Africa|Central Asian|"
    r"South Asian|Southeast Asian|South-East Asian|East African|West African|North African|"
    r"Central African|Southern African|Andean|Caribbean|Central American|Latin American|"
    r"Middle Eastern|Levantine|Maghreb|Alpine|Iberian|Adriatic|Black Sea|Mediterranean|"
    r"Pacific|Himalayan|Arabian|Asian|African|European|island|landlocked|oil-rich|Gulf Arab"
)
ANTECEDENT_KINDS = ("name", "capital", "group")
DESCRIPTION = re.compile(
    r"\b[Tt]he\s+(?:(?:oil-rich|tiny|small|wealthy|isolated|West African|East African)\s+)?"
    r"(?:kingdom|emirate|sultanate|junta|military government|"
    r"island nation|city-state|"
    rf"(?:{REGION})\s+(?:state|country|nation|republic|monarchy|kingdom|emirate|neighbour|"
    r"neighbor|ally|buyer|customer))\b"
)


def described_states(
    sentences: list[Sentence],
    roles: dict[int, dict[int, str]],
    mentions: dict[int, list[Mention]] | None = None,
) -> dict[int, list[Mention]]:
    """Every sentence's mentions of states, the named and the described, in text order.

    `roles` gives, per sentence, the role each named mention (by its start) was cast in: a
    description never stands for a state just cast as a supplier ("took delivery of fighters
    built by Russia's Volga Aviation Works. The junta put two of the aircraft on display").
    `mentions`, when given, are the states each sentence names, already found."""
    out: dict[int, list[Mention]] = {}
    named: list[Mention] = []  # earlier states that a description may stand for, in order
    for s in sentences:
        own = mentions[s.index] if mentions is not None else country_mentions(s.text)
        found = list(own)
        cast_as = roles.get(s.index, {})
        candidates = [o for o in own  # "French troops" names no junta; a supplier is no buyer
                      if o.kind in ANTECEDENT_KINDS and cast_as.get(o.start) != "supplier"]  # fmt: skip
        for m in DESCRIPTION.finditer(s.text):
            if any(o.start <= m.start() < o.end for o in own):
                continue
            before = [o for o in candidates if o.end <= m.start()]
            latest = before[-1] if before else (named[-1] if named else None)
            if latest is not None:
                found.append(replace(latest, start=m.start(), end=m.end(), kind="name",
                                     text=m.group(0)))  # fmt: skip
        found.sort(key=lambda x: x.start)
        out[s.index] = found
        named += candidates
    return out
