"""The licence lifecycle and re-export decisions as pure rules."""

from __future__ import annotations

import pytest

from enduse.domain.errors import DomainError
from enduse.domain.lifecycle import (
    LICENCE_TRANSITIONS,
    check_licence_transition,
    check_reexport_decision,
)

STATUSES = sorted(LICENCE_TRANSITIONS)


@pytest.mark.parametrize("current", STATUSES)
@pytest.mark.parametrize("target", STATUSES)
def test_every_pair_of_statuses_is_allowed_or_refused_by_the_table(current, target):
    allowed = target in LICENCE_TRANSITIONS[current] and target != "exhausted"
    try:
        check_licence_transition(current, target, [1])
    except DomainError as e:
        assert not allowed
        assert e.first.path == "$.status"
    else:
        assert allowed


def test_exhausted_is_never_decided_by_hand_and_final_states_stay_final():
    assert all(not LICENCE_TRANSITIONS[s] for s in ("refused", "revoked", "expired"))
    assert "exhausted" not in {t for ts in LICENCE_TRANSITIONS.values() for t in ts}


@pytest.mark.parametrize("target", ["refused", "revoked"])
def test_refusal_and_revocation_cite_criteria(target):
    current = "applied" if target == "refused" else "issued"
    with pytest.raises(DomainError) as info:
        check_licence_transition(current, target, [])
    assert info.value.first.path == "$.criteria_cited"
    check_licence_transition(current, target, [7])


def test_a_reexport_request_is_decided_once_with_its_reasons():
    check_reexport_decision(None, "approved", [], None)
    check_reexport_decision("pending", "refused", [1, 7], None)
    for current, outcome, criteria, conditions, path in [
        ("approved", "refused", [7], None, "$.decision"),
        (None, "maybe", [], None, "$.decision.outcome"),
        (None, "refused", [], None, "$.decision.criteria_cited"),
        (None, "approved_with_conditions", [], [], "$.decision.conditions"),
    ]:
        with pytest.raises(DomainError) as info:
            check_reexport_decision(current, outcome, criteria, conditions)
        assert info.value.first.path == path
