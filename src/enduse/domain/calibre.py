"""Calibre normalisation.

Licences, end-user certificates and delivery records write the same calibre in many
ways ("7,62×39", "7.62 x 39 mm", "cal. 7.62x39"). Rules that compare them need one
canonical string, and must never turn a vague calibre into a precise one: "7.62 mm"
could be four different cartridges, so it is refused as ambiguous rather than guessed.

Canonical forms: ``"7.62x39mm"``, ``"7.62x54mmR"``, ``"9x19mm"``, ``"152mm"``: bore in mm
with '.' as decimal separator and no trailing zeros, lowercase 'x', case length, 'mm',
then an optional uppercase suffix (R rimmed, B belted, SR semi-rimmed, RB rebated).

Which cartridges exist, their well-known names, and which look-alikes are *not* the same
cartridge live in ``data/calibres.json`` so that analysts can change them without code.
"""

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib.resources import files
from types import MappingProxyType
from typing import Any

__all__ = [
    "MAX_INPUT_LENGTH",
    "Calibre",
    "CalibreError",
    "calibre_info",
    "normalise_calibre",
    "parse_calibre",
]

#: Longer inputs are refused before any parsing: no calibre needs more, and it bounds work.
MAX_INPUT_LENGTH = 64

# Sanity limits for structurally parsed numbers (the largest guns ever built are < 1 m).
_MIN_MM = Decimal(1)
_MAX_MM = Decimal(1000)

# '×' and look-alikes, '*', and Cyrillic 'х' (Russian documents write "7,62х39 мм").
_SEPARATORS = str.maketrans({"×": "x", "✕": "x", "⨯": "x", "*": "x", "х": "x"})
_MILLIMETRE_RE = re.compile(r"millimet(?:re|er)s?|мм")
# "cal", "cal.", "calibre", "caliber" as words. The dot is eaten only when no digit follows,
# so "cal.50" keeps its inch decimal.
_CALIBRE_WORD_RE = re.compile(r"\b(?:calibre|caliber|cal)(?![a-z])(?:\.(?![0-9]))?")
# Whitespace inside a number ("7 62", "1 52") is a typo we refuse rather than join.
_SPLIT_NUMBER_RE = re.compile(r"[0-9](?:\s+[.,]?|[.,]\s+)\s*[0-9]")
_DECIMAL_COMMA_RE = re.compile(r"(?<=[0-9]),(?=[0-9])")
_NUMBER = r"[0-9]{1,4}(?:\.[0-9]{1,3})?"
_STRUCTURE_RE = re.compile(
    rf"(?P<bore>{_NUMBER})(?P<bore_mm>mm)?"
    rf"(?:x(?P<case>{_NUMBER})(?P<case_mm>mm)?(?P<suffix>[a-z]{{1,2}})?)?"
)
# A bare inch decimal: ".50", "0.308".
_INCH_RE = re.compile(r"0?(?P<inch>\.[0-9]{2,3})")


class CalibreError(ValueError):
    """A calibre that cannot be normalised, with a machine-readable reason.

    ``reason`` is ``"ambiguous"`` (``candidates`` then lists the known cartridges the
    text could mean, possibly none for inch calibres) or ``"unrecognised"``.
    """

    def __init__(
        self, reason: str, text: str, candidates: tuple[str, ...] = (), hint: str = ""
    ) -> None:
        self.reason = reason
        self.text = text
        self.candidates = tuple(candidates)
        self.hint = hint
        shown = text if len(text) <= MAX_INPUT_LENGTH else text[:MAX_INPUT_LENGTH] + "…"
        if reason == "ambiguous" and self.candidates:
            message = (
                f"ambiguous calibre {shown!r}: could be {', '.join(self.candidates)};"
                " give the full cartridge designation"
            )
        elif reason == "ambiguous":
            message = f"ambiguous calibre {shown!r}"
        else:
            message = f"unrecognised calibre {shown!r}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle by constructor arguments (the default would pass only the message)."""
        return (type(self), (self.reason, self.text, self.candidates, self.hint))


@dataclass(frozen=True, slots=True)
class Calibre:
    """A normalised calibre; ``case_mm`` is None for bore-only (artillery, mortar) calibres."""

    canonical: str
    bore_mm: Decimal
    case_mm: Decimal | None
    suffix: str

    def __str__(self) -> str:
        return self.canonical


@dataclass(frozen=True, slots=True)
class _Structure:
    """What the text says, before consulting the data file."""

    bore: Decimal
    case: Decimal | None
    suffix: str  # uppercase, "" if none
    has_unit: bool


@dataclass(frozen=True, slots=True)
class _Data:
    """The loaded, validated and indexed contents of calibres.json (read-only)."""

    info: Mapping[str, Mapping[str, Any]]  # canonical -> calibre_info() dict
    cartridges_by_bore: Mapping[Decimal, tuple[str, ...]]
    cartridges_by_bore_case: Mapping[tuple[Decimal, Decimal], tuple[str, ...]]
    bore_only: frozenset[Decimal]
    aliases: Mapping[str, str]  # alias key -> canonical
    refusals: Mapping[str, str]  # alias key -> hint (look-alikes and weapon systems)
    inch_bores: Mapping[str, Decimal]  # ".50" -> 12.7
    suffixes: frozenset[str]


def _format_mm(value: Decimal) -> str:
    """Decimal -> '7.62', '9', '152': no exponent, no trailing zeros."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _canonical(structure: _Structure) -> str:
    if structure.case is None:
        return f"{_format_mm(structure.bore)}mm"
    return f"{_format_mm(structure.bore)}x{_format_mm(structure.case)}mm{structure.suffix}"


def _alias_key(text: str) -> str:
    """Loose key for matching well-known names: case, spaces, 'mm' and stray dots ignored.

    Returns "" (which matches no name) for whitespace inside a number, as _clean refuses it.
    """
    key = unicodedata.normalize("NFKC", text).casefold().translate(_SEPARATORS)
    if _SPLIT_NUMBER_RE.search(key):
        return ""
    key = _MILLIMETRE_RE.sub("mm", key)
    key = re.sub(r"[\s\-_]+", "", key)
    key = _DECIMAL_COMMA_RE.sub(".", key)
    key = re.sub(r"(?<=[0-9])mm", "", key)
    # Drop abbreviation dots ("cal.", "Para.") but keep any dot next to a digit.
    return re.sub(r"(?<![0-9])\.(?![0-9])", "", key)


def _clean(text: str) -> str | None:
    """Reduce text to e.g. '7.62x39mm' or '.50'; None if it has whitespace inside a number."""
    cleaned = unicodedata.normalize("NFKC", text).casefold().translate(_SEPARATORS)
    cleaned = _MILLIMETRE_RE.sub("mm", cleaned)
    cleaned = _CALIBRE_WORD_RE.sub(" ", cleaned)
    if _SPLIT_NUMBER_RE.search(cleaned):
        return None
    cleaned = re.sub(r"\s+", "", cleaned)
    cleaned = _DECIMAL_COMMA_RE.sub(".", cleaned)
    if cleaned.endswith("mm."):  # "152 mm." abbreviation dot
        cleaned = cleaned[:-1]
    return cleaned


def _structure(cleaned: str, suffixes: frozenset[str]) -> _Structure | None:
    """Parse a cleaned string into bore/case/suffix, or None if it is not of that shape."""
    match = _STRUCTURE_RE.fullmatch(cleaned)
    if match is None:
        return None
    bore = Decimal(match["bore"])
    case = Decimal(match["case"]) if match["case"] is not None else None
    suffix = (match["suffix"] or "").upper()
    if suffix and suffix not in suffixes:
        return None
    if not _MIN_MM <= bore <= _MAX_MM:
        return None
    if case is not None and not _MIN_MM <= case <= _MAX_MM:
        return None
    # Re-read through the canonical string so that 9.0 and 9 compare and print alike.
    return _Structure(
        bore=Decimal(_format_mm(bore)),
        case=Decimal(_format_mm(case)) if case is not None else None,
        suffix=suffix,
        has_unit=bool(match["bore_mm"] or match["case_mm"]),
    )


def _calibre_from_canonical(canonical: str, suffixes: frozenset[str]) -> Calibre:
    structure = _structure(canonical.casefold(), suffixes)
    if structure is None or _canonical(structure) != canonical:
        raise ValueError(f"calibres.json: {canonical!r} is not in canonical form")
    return Calibre(canonical, structure.bore, structure.case, structure.suffix)


def _classify(structure: _Structure, text: str, data: _Data) -> Calibre:
    """Apply the data file to a parsed structure: exact cartridge, bore-only, or refusal."""
    canonical = _canonical(structure)
    if structure.case is None:
        candidates = data.cartridges_by_bore.get(structure.bore, ())
        if candidates:
            raise CalibreError("ambiguous", text, candidates)
        if not structure.has_unit and structure.bore not in data.bore_only:
            raise CalibreError("unrecognised", text, hint=f"give the unit, e.g. {canonical!r}")
    else:
        listed = data.cartridges_by_bore_case.get((structure.bore, structure.case), ())
        if listed and canonical not in listed:
            # Known bore and case but a different (or missing) rim suffix: ask, don't pick.
            raise CalibreError("ambiguous", text, listed)
    return Calibre(canonical, structure.bore, structure.case, structure.suffix)


def _sort_key(calibre: Calibre) -> tuple[Decimal, Decimal, str]:
    return (calibre.bore_mm, calibre.case_mm or Decimal(0), calibre.suffix)


@lru_cache(maxsize=1)
def _data() -> _Data:
    """Load calibres.json once."""
    text = files("enduse.domain").joinpath("data", "calibres.json").read_text(encoding="utf-8")
    return _build_data(json.loads(text))


def _build_data(raw: Mapping[str, Any]) -> _Data:
    """Validate and index the data file; a contradiction is a ValueError, not a silent pick."""
    suffixes = frozenset(raw["suffixes"])
    info: dict[str, Mapping[str, Any]] = {}
    aliases: dict[str, str] = {}
    cartridges: list[Calibre] = []

    def add_alias(name: str, canonical: str) -> None:
        key = _alias_key(name)
        if not key:
            raise ValueError(f"calibres.json: name {name!r} cannot be matched")
        if aliases.setdefault(key, canonical) != canonical:
            raise ValueError(f"calibres.json: name {name!r} denotes two calibres")

    for entry in raw["cartridges"]:
        calibre = _calibre_from_canonical(entry["canonical"], suffixes)
        if calibre.case_mm is None or calibre.canonical in info:
            raise ValueError(f"calibres.json: bad or duplicate cartridge {calibre.canonical!r}")
        cartridges.append(calibre)
        info[calibre.canonical] = MappingProxyType(
            {
                "canonical": calibre.canonical,
                "kind": "cartridge",
                "role": entry["role"],
                "standard": entry.get("standard"),
                "origin": entry.get("origin"),
                "names": tuple(entry.get("names", ())),
                "notes": entry.get("notes"),
            }
        )
        add_alias(calibre.canonical, calibre.canonical)
        for name in entry.get("names", ()):
            add_alias(name, calibre.canonical)

    by_bore: dict[Decimal, list[Calibre]] = {}
    by_bore_case: dict[tuple[Decimal, Decimal], list[Calibre]] = {}
    for calibre in sorted(cartridges, key=_sort_key):
        assert calibre.case_mm is not None
        by_bore.setdefault(calibre.bore_mm, []).append(calibre)
        by_bore_case.setdefault((calibre.bore_mm, calibre.case_mm), []).append(calibre)

    bore_only: set[Decimal] = set()
    for entry in raw["bore_only"]:
        calibre = _calibre_from_canonical(entry["canonical"], suffixes)
        if calibre.case_mm is not None or calibre.bore_mm in by_bore or calibre.canonical in info:
            raise ValueError(f"calibres.json: bore-only {calibre.canonical!r} clashes")
        bore_only.add(calibre.bore_mm)
        info[calibre.canonical] = MappingProxyType(
            {
                "canonical": calibre.canonical,
                "kind": "bore",
                "role": entry["role"],
                "standard": None,
                "origin": None,
                "names": (),
                "notes": entry.get("notes"),
            }
        )

    refusals: dict[str, str] = {}
    for entry in raw["not_equivalent"]:
        refusals[_alias_key(entry["name"])] = f"not treated as {entry['nearest']}: {entry['why']}"
    for entry in raw["systems"]:
        refusals[_alias_key(entry["name"])] = entry["note"]
    if clash := set(refusals) & set(aliases):
        raise ValueError(f"calibres.json: names both aliased and refused: {sorted(clash)}")

    data = _Data(
        info=MappingProxyType(info),
        cartridges_by_bore=MappingProxyType(
            {bore: tuple(c.canonical for c in group) for bore, group in by_bore.items()}
        ),
        cartridges_by_bore_case=MappingProxyType(
            {key: tuple(c.canonical for c in group) for key, group in by_bore_case.items()}
        ),
        bore_only=frozenset(bore_only),
        aliases=MappingProxyType(aliases),
        refusals=MappingProxyType(refusals),
        inch_bores=MappingProxyType(
            {entry["inch"]: Decimal(entry["bore_mm"]) for entry in raw["inch_bores"]}
        ),
        suffixes=suffixes,
    )
    # A name that also reads as a plain designation must not contradict it, otherwise
    # normalisation would depend on spelling and stop being idempotent.
    for key, canonical in aliases.items():
        structure = _structure(key, suffixes)
        if structure is None:
            continue
        if structure.case is None:  # the key lost its 'mm'; judge it as if written with one
            structure = _Structure(structure.bore, None, "", has_unit=True)
        try:
            plain = _classify(structure, key, data).canonical
        except CalibreError:
            continue
        if plain != canonical:
            raise ValueError(f"calibres.json: name {key!r} -> {canonical!r} contradicts {plain!r}")
    return data


def parse_calibre(text: str) -> Calibre:
    """Parse a written calibre into its canonical form, refusing anything vague.

    Raises CalibreError with reason "unrecognised" (not a calibre, too long, a weapon
    system, or a look-alike we deliberately do not equate) or "ambiguous" (a bare bore
    or inch decimal that several cartridges share).
    """
    if not isinstance(text, str):
        raise TypeError(f"calibre must be str, not {type(text).__name__}")
    if len(text) > MAX_INPUT_LENGTH:
        raise CalibreError("unrecognised", text, hint=f"longer than {MAX_INPUT_LENGTH} characters")
    data = _data()

    key = _alias_key(text)
    if key in data.aliases:
        canonical = data.aliases[key]
        return _calibre_from_canonical(canonical, data.suffixes)
    if key in data.refusals:
        raise CalibreError("unrecognised", text, hint=data.refusals[key])

    cleaned = _clean(text)
    if cleaned is None:
        raise CalibreError("unrecognised", text, hint="whitespace inside a number")
    inch = _INCH_RE.fullmatch(cleaned)
    if inch is not None:
        bore = data.inch_bores.get(inch["inch"])
        candidates = data.cartridges_by_bore.get(bore, ()) if bore is not None else ()
        raise CalibreError(
            "ambiguous", text, candidates, hint="inch calibre; give the metric cartridge"
        )
    structure = _structure(cleaned, data.suffixes)
    if structure is None:
        raise CalibreError("unrecognised", text)
    return _classify(structure, text, data)


def normalise_calibre(text: str) -> str:
    """The canonical string for a written calibre (see parse_calibre for refusals)."""
    return parse_calibre(text).canonical


def calibre_info(canonical: str) -> dict[str, Any] | None:
    """Facts from the data file about a canonical calibre, or None if it is not listed.

    Keys: canonical, kind ("cartridge" or "bore"), role, standard ("Soviet", "NATO" or
    None), origin, names (tuple), notes. The argument must already be canonical.
    """
    entry = _data().info.get(canonical)
    return dict(entry) if entry is not None else None
