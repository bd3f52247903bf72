"""What a name is found by: retrieval keys that survive scripts, spelling and word order.

A name in any script is transliterated to ASCII (rigour, ICU), split into parts,
and each part gives keys of several kinds, each catching what the others miss:

- `t:` the part itself (`jugoimport`) — exact parts, any order;
- `p:` its metaphone (`JKMPRT`) — spelling variants that sound alike;
- `s:` its consonant skeleton (`jgmprt`) — transliterations that drop or change
  vowels (Arabic `mhmd` and `mohammed` share `mhmd`);
- `g:` its character trigrams — typos and transliteration of single letters
  (`jugoimport` and `yugoimport` share all but one);
- `i:` identifiers, normalised (`ogrn:1027700019003`).

Retrieval only proposes candidates; every one is then scored by logic-v2, so a
key may be generous. Pure functions: the index builder and the query use the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from rigour.names import tokenize_name
from rigour.text import ascii_text, metaphone

MAX_NAME_CHARS = 500  # longer "names" are not names: cut before any work is spent on them
MAX_PARTS = 12
_VOWELS = re.compile(r"[aeiouy]+")
_REPEATS = re.compile(r"(.)\1+")
_IDENTIFIER = re.compile(r"[^0-9A-Z]")


@lru_cache(maxsize=200_000)
def name_parts(name: str) -> tuple[str, ...]:
    """The ASCII, lower-case parts of a name, in order (at most MAX_PARTS)."""
    text = ascii_text(name[:MAX_NAME_CHARS]).lower()
    return tuple(p for p in tokenize_name(text) if p)[:MAX_PARTS]


def skeleton(part: str) -> str:
    """Consonants only, repeats collapsed: what transliterations of one name agree on."""
    if part.isdigit():
        return part
    return _REPEATS.sub(r"\1", _VOWELS.sub("", part.replace("h", ""))) or part


def trigrams(part: str) -> list[str]:
    padded = f"_{part}_"
    return [padded[i : i + 3] for i in range(len(padded) - 2)]


def part_keys(part: str) -> set[str]:
    keys = {f"t:{part}"}
    if len(part) < 2:
        return keys
    if not part.isdigit():
        phonetic = metaphone(part)
        if phonetic:
            keys.add(f"p:{phonetic}")
        keys.add(f"s:{skeleton(part)}")
    keys.update(f"g:{g}" for g in trigrams(part))
    return keys


def name_keys(name: str) -> set[str]:
    keys: set[str] = set()
    for part in name_parts(name):
        keys |= part_keys(part)
    return keys


def identifier_key(value: str) -> str | None:
    """`1027700019003`, `1027 7000-19003` and `ogrn 1027700019003`'s digits agree."""
    normalised = _IDENTIFIER.sub("", value.upper())
    return f"i:{normalised}" if len(normalised) >= 4 else None


def entity_keys(names: Iterable[str], identifiers: Iterable[str] = ()) -> set[str]:
    keys: set[str] = set()
    for name in names:
        keys |= name_keys(name)
    for value in identifiers:
        key = identifier_key(value)
        if key:
            keys.add(key)
    return keys


KIND_WEIGHTS = {"t": 3.0, "p": 1.5, "s": 1.5, "g": 0.4, "i": 10.0}


def key_weight(key: str) -> float:
    """How much one shared key of this kind says (before its rarity is counted)."""
    return KIND_WEIGHTS[key[0]]
