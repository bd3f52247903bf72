"""The words that move arms, as regular-expression alternations: verbs of supplying, of
receiving and of arriving, each with all its inflections.

Reports vary their verbs far more than their prepositions ("funnelled", "took possession
of", "flew in"), and a rule that knows "supplied" but not "furnished" misses the transfer.
The verbs are listed by lemma, in senses chosen from a thesaurus rather than from the
evaluation reports, and inflected by lemminflect's tables ("sell" → "sold", "channel" →
"channelled" and "channeled"), not by hand. The alternations are built once, at import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from lemminflect import getAllInflections, getAllInflectionsOOV

# The supplier is the subject, the recipient follows "to": "X shipped ... to Y".
SUPPLY_VERBS = (
    "supply", "ship", "deliver", "export", "re-export", "sell", "resell", "send", "transfer",
    "retransfer", "re-transfer", "provide", "smuggle", "truck", "donate", "dispatch", "despatch",
    "furnish", "channel", "funnel", "airlift", "reroute", "re-route", "divert", "bring",
    "consign", "ferry", "tranship", "transship", "trans-ship", "gift", "traffic",
    "transport", "convey", "contribute", "offload", "ship out",
    "hand over", "pass on", "sell on", "give", "equip", "outfit",
)  # fmt: skip
# Verbs too common in other senses to stand alone ("the minister flew to Paris", "put
# forward a plan"): only the forms that speak of goods are kept ("carried out strikes" is
# left out by the roles).
SUPPLY_FORMS = (
    "flown", "flown in", "loaded", "carried", "routed", "diverted", "forwarded", "forwarding",
    "re-sold", "on-sold", "resold",
)  # fmt: skip
# The goods become the recipient's: "Y bought ... from X", "Y took delivery of".
RECEIVE_VERBS = (
    "receive", "buy", "procure", "purchase", "acquire", "order", "import", "obtain", "source",
    "induct", "commission", "field", "lease", "take delivery", "take possession",
    "accept delivery", "take receipt", "snap up", "pick up",
)  # fmt: skip
# Nouns of a transfer: "the consignment to Y", "deliveries of X".
SUPPLY_NOUNS = (
    "shipment", "shipments", "delivery", "deliveries", "sale", "sales", "export", "exports",
    "re-export", "re-exports", "supply", "supplies", "donation", "donations", "transfer",
    "transfers", "consignment", "consignments", "handover", "hand-over", "retransfer",
)  # fmt: skip


def _forms_of(lemma: str) -> set[str]:
    head, _, rest = lemma.partition(" ")
    table = getAllInflections(head, upos="VERB") or getAllInflectionsOOV(head, upos="VERB")
    forms = {head, *(form for forms in table.values() for form in forms)}
    return {f"{form} {rest}".strip() for form in forms}


@cache
def verb_forms(lemmas: tuple[str, ...]) -> tuple[str, ...]:
    """Every inflection of the lemmas ("take delivery" → "took delivery", "taken delivery"...)."""
    out: set[str] = set()
    for lemma in lemmas:
        out |= _forms_of(lemma)
    return tuple(sorted(out))


def alternation(words: Iterable[str]) -> str:
    """A regular-expression alternation of words, longest first, spaces matching any space."""
    unique = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in unique)


SUPPLYING_VERBS = (*verb_forms(SUPPLY_VERBS), *SUPPLY_FORMS)
RECEIVING_VERBS = verb_forms(RECEIVE_VERBS)
