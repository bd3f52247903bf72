"""A red flag, with its evidence, on the subject DOMAIN.md assigns to its rule."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

SEVERITY_POINTS = {"high": 10, "medium": 4, "low": 1}
SUBJECT_TYPES = ("euc", "licence", "shipment", "party", "observation", "reexport_request")


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    subject_type: str
    subject_id: str
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    blocks: bool = False

    def as_dict(self) -> dict[str, Any]:
        out = {
            "rule": self.rule, "severity": self.severity,
            "subject": {"type": self.subject_type, "id": self.subject_id},
            "message": self.message, "evidence": self.evidence,
        }  # fmt: skip
        if self.blocks:
            out["blocks"] = True
        return out


@dataclass(frozen=True)
class Rule:
    id: str
    subject: str
    severity: str
    check: Callable[..., Iterator[Finding]]

    @property
    def rationale(self) -> str:
        return (self.check.__doc__ or "").strip()


RULES: dict[str, Rule] = {}


def rule(
    rule_id: str, subject: str, severity: str
) -> Callable[[Callable[..., Iterator[Finding]]], Callable[..., Iterator[Finding]]]:
    """Register a rule: its id, the subject DOMAIN.md gives it, its default severity."""
    assert subject in SUBJECT_TYPES and severity in SEVERITY_POINTS

    def register(check: Callable[..., Iterator[Finding]]) -> Callable[..., Iterator[Finding]]:
        RULES[rule_id] = Rule(rule_id, subject, severity, check)
        return check

    return register
