"""Which status a licence or a re-export request may move to, and what each decision must cite.

Pure rules, so the workflow, the API and a reviewer read the same table.
`exhausted` is reached by shipping the last quantity, never decided by hand;
a suspended licence may be reinstated (back to `issued`).
"""

from __future__ import annotations

from enduse.domain.errors import DomainError, Problem

LICENCE_TRANSITIONS: dict[str, frozenset[str]] = {
    "applied": frozenset({"under_review", "issued", "refused"}),
    "under_review": frozenset({"issued", "refused"}),
    "issued": frozenset({"suspended", "revoked", "expired"}),
    "suspended": frozenset({"issued", "revoked", "expired"}),
    "exhausted": frozenset({"revoked"}),
    "refused": frozenset(),
    "revoked": frozenset(),
    "expired": frozenset(),
}
# A refusal or revocation must say which criteria of the EU Common Position / ATT art. 6-7 it rests on.
NEEDS_CRITERIA = frozenset({"refused", "revoked"})
DECIDED_BY_HAND = frozenset(s for targets in LICENCE_TRANSITIONS.values() for s in targets)
SHIPPABLE = frozenset({"issued"})

REEXPORT_OUTCOMES = frozenset({"approved", "approved_with_conditions", "refused"})


def check_licence_transition(current: str, target: str, criteria: list[int | str]) -> None:
    """Refuse a move the lifecycle does not allow, or a refusal that cites no criterion."""
    if target not in DECIDED_BY_HAND:
        raise DomainError(
            [
                Problem(
                    "$.status",
                    "unknown_value",
                    f"a decision sets one of {', '.join(sorted(DECIDED_BY_HAND))}, not {target!r}",
                )
            ]
        )
    if target not in LICENCE_TRANSITIONS.get(current, frozenset()):
        allowed = ", ".join(sorted(LICENCE_TRANSITIONS.get(current, ()))) or "nothing (final)"
        raise DomainError(
            [
                Problem(
                    "$.status",
                    "invalid_transition",
                    f"a licence {current} can become {allowed}, not {target}",
                )
            ]
        )
    if target in NEEDS_CRITERIA and not criteria:
        raise DomainError(
            [
                Problem(
                    "$.criteria_cited",
                    "missing",
                    f"a licence {target} must cite the criteria (1-8) it rests on",
                )
            ]
        )


def check_reexport_decision(
    current: str | None, outcome: str, criteria: list[int | str], conditions: object
) -> None:
    """A request is decided once; a refusal cites criteria, a conditional approval its conditions."""
    if current not in (None, "pending"):
        raise DomainError(
            [Problem("$.decision", "invalid_transition", f"the request was already {current}")]
        )
    if outcome not in REEXPORT_OUTCOMES:
        raise DomainError(
            [
                Problem(
                    "$.decision.outcome",
                    "unknown_value",
                    f"one of {', '.join(sorted(REEXPORT_OUTCOMES))}, not {outcome!r}",
                )
            ]
        )
    if outcome == "refused" and not criteria:
        raise DomainError(
            [Problem("$.decision.criteria_cited", "missing", "a refusal must cite its criteria")]
        )
    if outcome == "approved_with_conditions" and not conditions:
        raise DomainError(
            [Problem("$.decision.conditions", "missing", "name the conditions of the approval")]
        )
