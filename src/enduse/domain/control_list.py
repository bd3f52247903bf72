"""EU Common Military List entries ("ML3.a", "ML8.a.1").

Licences and certificates cite control-list entries in many spellings ("ml3a",
"ML 3.a", "ML03.a."). Rules need one canonical form, and must refuse categories that do
not exist instead of passing them on.

Canonical form: "ML" + category number 1..22 without leading zeros, then sub-item levels
joined by '.', alternating lowercase letter and number ("ML8.a.1", "ML10.c"). Only the
shape of sub-items is checked; whether "ML3.z" exists is not known here.

Category titles and per-category flags live in ``data/control_list.json``.
"""

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from types import MappingProxyType
from typing import Any, Literal

__all__ = [
    "MAX_INPUT_LENGTH",
    "ControlEntry",
    "ControlEntryError",
    "category_title",
    "is_ammunition",
    "is_salw",
    "is_weapon",
    "normalise_control_entry",
    "parse_control_entry",
    "salw_coverage",
]

#: Longer inputs are refused before parsing; real entries are a dozen characters.
MAX_INPUT_LENGTH = 64

SalwCoverage = Literal["all", "partial", "none"]

# Matched after whitespace is removed. Whitespace inside "ML" or inside a number is
# refused first ("ML1 0" is not read as ML10).
_ENTRY_RE = re.compile(
    r"ml(?P<category>[0-9]{1,3})(?P<rest>(?:\.?[a-z]\.?[0-9]{1,3})*(?:\.?[a-z])?)\.?"
)
_SPLIT_TOKEN_RE = re.compile(r"[0-9]\s+[0-9]|m\s+l")
_LEVEL_RE = re.compile(r"[a-z]|[0-9]+")
# The canonical form only ("ML3.a", "ML8.a.1"): what normalise_control_entry returns.
CANONICAL_PATTERN = r"^ML(?:[1-9]|1[0-9]|2[0-2])(?:\.[a-z](?:\.[1-9][0-9]{0,2}(?:\.[a-z])?)?)?$"


class ControlEntryError(ValueError):
    """A control-list entry that cannot be normalised.

    ``reason`` is ``"malformed"`` (not the shape of an entry) or ``"unknown_category"``
    (well formed, but the category is not ML1..ML22).
    """

    def __init__(self, reason: str, text: str) -> None:
        self.reason = reason
        self.text = text
        shown = text if len(text) <= MAX_INPUT_LENGTH else text[:MAX_INPUT_LENGTH] + "…"
        if reason == "unknown_category":
            message = f"unknown control-list category in {shown!r}: expected ML1 to ML22"
        else:
            message = f"malformed control-list entry {shown!r}: expected e.g. 'ML3' or 'ML8.a.1'"
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle by constructor arguments (the default would pass only the message)."""
        return (type(self), (self.reason, self.text))


@dataclass(frozen=True, slots=True)
class ControlEntry:
    """A normalised entry. ``title`` is the category's title; sub-items have no titles here."""

    category: int
    sub_items: tuple[str, ...]
    canonical: str
    title: str

    def __str__(self) -> str:
        return self.canonical


@dataclass(frozen=True, slots=True)
class _Category:
    title: str
    is_weapon: bool
    is_ammunition: bool
    salw: SalwCoverage


@lru_cache(maxsize=1)
def _categories() -> Mapping[int, _Category]:
    """Load control_list.json once."""
    path = files("enduse.domain").joinpath("data", "control_list.json")
    return _build_categories(json.loads(path.read_text(encoding="utf-8")))


def _build_categories(raw: Mapping[str, Any]) -> Mapping[int, _Category]:
    """Validate the data file: exactly ML1..ML22, each with a title and well-typed flags."""
    categories: dict[int, _Category] = {}
    for entry in raw["categories"]:
        number = entry["number"]
        salw = entry["salw"]
        if (
            type(number) is not int
            or number in categories
            or not entry["title"]
            or salw not in ("all", "partial", "none")
            or type(entry["is_weapon"]) is not bool
            or type(entry["is_ammunition"]) is not bool
        ):
            raise ValueError(f"control_list.json: bad category entry {entry!r}")
        categories[number] = _Category(
            entry["title"], entry["is_weapon"], entry["is_ammunition"], salw
        )
    if sorted(categories) != list(range(1, 23)):
        raise ValueError("control_list.json: categories must be exactly ML1..ML22")
    return MappingProxyType(categories)


def parse_control_entry(text: str) -> ControlEntry:
    """Parse a written control-list entry such as "ml 8a1" into ML8.a.1.

    Raises ControlEntryError with reason "malformed" or "unknown_category".
    """
    if not isinstance(text, str):
        raise TypeError(f"control-list entry must be str, not {type(text).__name__}")
    if len(text) > MAX_INPUT_LENGTH:
        raise ControlEntryError("malformed", text)
    folded = unicodedata.normalize("NFKC", text).casefold()
    if _SPLIT_TOKEN_RE.search(folded):
        raise ControlEntryError("malformed", text)
    match = _ENTRY_RE.fullmatch(re.sub(r"\s+", "", folded))
    if match is None:
        raise ControlEntryError("malformed", text)
    levels: list[str] = []
    for level in _LEVEL_RE.findall(match["rest"]):
        if level.isdigit():
            if int(level) == 0:  # items are numbered from 1
                raise ControlEntryError("malformed", text)
            level = str(int(level))
        levels.append(level)
    number = int(match["category"])
    category = _categories().get(number)
    if category is None:
        raise ControlEntryError("unknown_category", text)
    canonical = "".join([f"ML{number}", *(f".{level}" for level in levels)])
    return ControlEntry(number, tuple(levels), canonical, category.title)


def normalise_control_entry(text: str) -> str:
    """The canonical string for a written entry (see parse_control_entry for refusals)."""
    return parse_control_entry(text).canonical


def category_title(n: int) -> str:
    """The title of category MLn, for display next to an entry."""
    if type(n) is not int:
        raise TypeError(f"category must be int, not {type(n).__name__}")
    category = _categories().get(n)
    if category is None:
        raise ControlEntryError("unknown_category", f"ML{n}")
    return category.title


def is_weapon(entry: ControlEntry) -> bool:
    """Whether the entry's category is mainly weapons or weapon systems (ML1, 2, 4, 12, 19)."""
    return _categories()[entry.category].is_weapon


def is_ammunition(entry: ControlEntry) -> bool:
    """Whether the entry's category covers ammunition, munitions or explosives (ML3, 4, 8)."""
    return _categories()[entry.category].is_ammunition


def salw_coverage(entry: ControlEntry) -> SalwCoverage:
    """How much of the entry's category is small arms and light weapons: all, partial, none.

    ML2 and ML4 are "partial": they hold light weapons (mortars under 100 mm, grenade
    launchers, 14.5 mm machine guns, MANPADS) next to artillery, bombs and torpedoes, and
    the category alone cannot tell them apart.
    """
    return _categories()[entry.category].salw


def is_salw(entry: ControlEntry) -> bool:
    """Approximation: True only for categories that are all SALW, which means ML1.

    Over-inclusive for ML1 accessories and components; under-inclusive for the light
    weapons in ML2 and ML4 (use ``salw_coverage`` when "maybe" matters).
    """
    return salw_coverage(entry) == "all"
