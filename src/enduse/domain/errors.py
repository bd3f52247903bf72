"""Problems found in input, each naming where (a JSON path) and why (a reason code).

Every layer reports bad input through these, so a user always sees
`$.eucs[0].items[1].quantity: wrong_type: ...` rather than a stack trace.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError


@dataclass(frozen=True)
class Problem:
    path: str
    reason: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}: {self.message}"

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "reason": self.reason, "message": self.message}


class DomainError(ValueError):
    """One or more problems with a document or bundle; nothing was accepted."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(str(p) for p in self.problems[:20]))

    @property
    def first(self) -> Problem:
        return self.problems[0]


def json_path(loc: Iterable[str | int], root: str = "$") -> str:
    out = root
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


_REASONS = {
    "missing": "missing",
    "extra_forbidden": "unknown_key",
    "literal_error": "unknown_value",
    "enum": "unknown_value",
    "value_error": "invalid",
    "assertion_error": "invalid",
    "string_pattern_mismatch": "invalid",
    "greater_than": "out_of_range",
    "greater_than_equal": "out_of_range",
    "less_than": "out_of_range",
    "less_than_equal": "out_of_range",
    "finite_number": "out_of_range",
    "too_long": "too_long",
    "string_too_long": "too_long",
    "too_short": "too_short",
    "string_too_short": "too_short",
    "duplicate": "duplicate",
}


def _reason(error_type: str) -> str:
    if error_type in _REASONS:
        return _REASONS[error_type]
    if error_type.endswith("_type") or error_type.endswith("_parsing"):
        return "wrong_type"
    return "invalid"


def _clean_loc(loc: Sequence[str | int], data: Any, missing: bool) -> list[str | int]:
    """The location as a path through the user's data.

    pydantic mixes in the names of union members and validators ('int',
    'function-after[...]'); walking the input tells real keys from those.
    """
    if data is None:  # no input to walk: drop what looks like a pydantic tag
        return [p for p in loc if not (isinstance(p, str) and ("[" in p or p in _TAGS))]
    out: list[str | int] = []
    cur = data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if (isinstance(cur, dict) and isinstance(part, str) and part in cur) or (
            isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur)
        ):
            out.append(part)
            cur = cur[part]
        elif last and missing and isinstance(cur, dict):
            out.append(part)
    return out


_TAGS = {
    "int",
    "float",
    "str",
    "list[str]",
    "function-after",
    "function-before",
    "all",
    "categories",
}


def problems_from_pydantic(
    err: ValidationError, root: str = "$", data: Any = None
) -> list[Problem]:
    """One problem per (path, reason); `data` is the validated input, used to name paths exactly."""
    found: dict[tuple[str, str], Problem] = {}
    for e in err.errors(include_url=False):
        reason = _reason(e["type"])
        path = json_path(_clean_loc(e["loc"], data, e["type"] == "missing"), root)
        msg = e["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
        found.setdefault((path, reason), Problem(path, reason, msg))
    problems = list(found.values())
    # ... and where branches disagree at one path, the one that matched the type says more.
    typed = {p.path for p in problems if p.reason != "wrong_type"}
    problems = [p for p in problems if not (p.reason == "wrong_type" and p.path in typed)]
    # A union reports each branch; where one branch got deeper into the data, its problem is the
    # one that explains what is wrong (scope[1] is not an ML entry, not "scope is not 'all'").
    return [
        p
        for p in problems
        if not (
            p.reason in ("unknown_value", "wrong_type")
            and any(
                q.path.startswith(p.path) and q.path != p.path and q.path[len(p.path)] in ".["
                for q in problems
            )
        )
    ]
