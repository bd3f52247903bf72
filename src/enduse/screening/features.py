"""What a name is found by: retrieval keys that survive scripts, spelling and word order.

A name in any script is analysed by rigour as logic-v2 itself analyses it
(parts transliterated to ASCII, legal forms and titles tagged, known names and
organisation words linked to symbols), and each part gives keys of several
kinds, each catching what the others miss:

- `t:` the part itself (`jugoimport`): exact parts, in any order;
- `p:` its metaphone (`JKMPRT`): spelling variants that sound alike;
- `s:` its consonant skeleton (`jgmprt`): transliterations that drop or change
  vowels (Arabic `mhmd` and `mohammed` share `mhmd`);
- `g:` its character trigrams: typos and single-letter transliteration
  (`jugoimport` and `yugoimport` share all but one);
- `y:` the symbols rigour links the name to (`NAME:Q21018786` for "Pol" in
  Khmer or Latin script, `DOMAIN:PLA` for "People's Liberation Army");
- `i:` identifiers, normalised (`1027700019003`);
- `c:` countries (`c:ru`): they only break ties between names found equally
  well, so that among fifty "Ivan Petrov" the Russian one comes first.

Legal forms ("Ltd", "ОАО", "GmbH") and titles give no keys: thousands of names
share them. Retrieval only proposes candidates; every one is then scored by
logic-v2, so a key may be generous. Pure functions: the index builder and the
query use the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from importlib.metadata import version

from rigour.names import NamePartTag, NameTypeTag, SymbolCategory, analyze_names

# Stored keys are only valid for the scheme (and the rigour analysis) that made them.
KEYS_VERSION = f"enduse-keys/2 rigour/{version('rigour')}"
MAX_NAME_CHARS = 500  # longer "names" are not names: cut before any work is spent on them
MAX_PARTS = 12
TYPE_TAGS = {
    "Person": NameTypeTag.PER, "Company": NameTypeTag.ORG, "Organization": NameTypeTag.ORG,
    "LegalEntity": NameTypeTag.ENT, "Vessel": NameTypeTag.OBJ, "Airplane": NameTypeTag.OBJ,
}  # fmt: skip
NO_KEYS = frozenset(
    {NamePartTag.LEGAL, NamePartTag.HONORIFIC, NamePartTag.TITLE, NamePartTag.STOP,
     NamePartTag.SUFFIX}
)  # fmt: skip
# Symbols worth a key; legal forms and initials are shared by too many names to say anything.
SYMBOL_KEYS = {
    SymbolCategory.NAME: "NAME", SymbolCategory.DOMAIN: "DOMAIN", SymbolCategory.NICK: "NICK",
    SymbolCategory.SYMBOL: "SYMBOL", SymbolCategory.NUMERIC: "NUMERIC",
    SymbolCategory.LOCATION: "LOCATION", SymbolCategory.PHONETIC: "PHONETIC",
}  # fmt: skip
_VOWELS = re.compile(r"[aeiouy]+")
_REPEATS = re.compile(r"(.)\1+")
_IDENTIFIER = re.compile(r"[^0-9A-Z]")


def skeleton(part: str) -> str:
    """Consonants only, repeats collapsed: what transliterations of one name agree on."""
    if part.isdigit():
        return part
    return _REPEATS.sub(r"\1", _VOWELS.sub("", part.replace("h", ""))) or part


def trigrams(part: str) -> list[str]:
    padded = f"_{part}_"
    return [padded[i : i + 3] for i in range(len(padded) - 2)]


def part_keys(form: str, phonetic: str | None) -> set[str]:
    keys = {f"t:{form}"}
    if len(form) < 2:
        return keys
    if phonetic:
        keys.add(f"p:{phonetic}")
    if form.isascii() and not form.isdigit():
        keys.add(f"s:{skeleton(form)}")
    keys.update(f"g:{g}" for g in trigrams(form))
    return keys


@lru_cache(maxsize=200_000)
def name_keys(name: str, schema: str = "LegalEntity") -> frozenset[str]:
    keys: set[str] = set()
    for analysed in analyze_names(TYPE_TAGS.get(schema, NameTypeTag.ENT), [name[:MAX_NAME_CHARS]]):
        for part in analysed.parts[:MAX_PARTS]:
            if part.tag in NO_KEYS:
                continue
            form = part.ascii or part.comparable
            if form:
                keys |= part_keys(form, part.metaphone)
        for span in analysed.spans:
            category = SYMBOL_KEYS.get(span.symbol.category)
            if category:
                keys.add(f"y:{category}:{span.symbol.id}")
    return frozenset(keys)


def name_parts(name: str, schema: str = "LegalEntity") -> list[str]:
    """The parts a name is matched on; empty when there is nothing to match."""
    return sorted(k[2:] for k in name_keys(name, schema) if k.startswith(("t:", "y:")))


def identifier_key(value: str) -> str | None:
    """`1027700019003` and `1027 7000-19003` agree: separators are not part of an identifier."""
    normalised = _IDENTIFIER.sub("", value.upper())
    return f"i:{normalised}" if len(normalised) >= 4 else None


def entity_keys(
    names: Iterable[str],
    identifiers: Iterable[str] = (),
    schema: str = "LegalEntity",
    countries: Iterable[str] = (),
) -> set[str]:
    keys = {f"c:{c.lower()}" for c in countries if c}
    for name in names:
        keys |= name_keys(name, schema)
    for value in identifiers:
        key = identifier_key(value)
        if key:
            keys.add(key)
    return keys


KIND_WEIGHTS = {"t": 3.0, "p": 1.5, "s": 1.5, "g": 0.4, "y": 2.0, "i": 10.0, "c": 0.5}


def key_weight(key: str) -> float:
    """How much one shared key of this kind says (before its rarity is counted)."""
    return KIND_WEIGHTS[key[0]]
