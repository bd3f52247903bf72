"""Problems found in input, each naming where (a JSON path) and why (a reason code).

Every layer reports bad input through these, so a user always sees
`$.eucs[0].items[1].quantity: wrong_type: ...` rather than a stack trace.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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
    "less_than_equal": "out_of_range",
    "too_long": "too_long",
}


def _reason(error_type: str) -> str:
    if error_type in _REASONS:
        return _REASONS[error_type]
    if error_type.endswith("_type") or error_type.endswith("_parsing"):
        return "wrong_type"
    return "invalid"


def _clean_loc(loc: Sequence[str | int]) -> list[str | int]:
    # pydantic puts union-member and validator names into the location; they mean nothing to a user.
    return [p for p in loc if not (isinstance(p, str) and ("[" in p or p in _UNION_TAGS))]


_UNION_TAGS = {"int", "float", "str", "list[str]", "function-after", "function-before"}


def problems_from_pydantic(err: ValidationError, root: str = "$") -> list[Problem]:
    seen: set[tuple[str, str]] = set()
    problems = []
    for e in err.errors(include_url=False):
        path = json_path(_clean_loc(e["loc"]), root)
        reason = _reason(e["type"])
        msg = e["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
        if (path, reason) in seen:
            continue
        seen.add((path, reason))
        problems.append(Problem(path, reason, msg))
    return problems
