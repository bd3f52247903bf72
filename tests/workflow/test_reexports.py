"""Re-export requests and the exporting state's signed decision (both databases)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from builders import last_change, snapshot
from enduse.docs.verify import verify
from enduse.domain.errors import DomainError
from enduse.registry.models import ReexportRequestRow
from enduse.workflow.reexports import decide_reexport, request_reexport
from enduse.workflow.roles import PermissionDenied
from enduse.workflow.users import get_user


def request(rid: str = "RX-1", **changes) -> dict:  # type: ignore[no-untyped-def]
    return {
        "request_id": rid, "request_type": "re_export", "date": "2026-05-01",
        "requesting_party": "p-army-bg", "original_licence": "RS-2025-0131",
        "original_euc": {"issuing_authority": "BG-MOD", "euc_number": "BG-MOD-2025-0310"},
        "items": [{"licence_line": 1, "quantity": 2000, "lots": ["SM-122-25-007"]}],
        "proposed_destination": "UA", "reason": "surplus", **changes,
    }  # fmt: skip


def test_the_importing_state_requests_and_the_exporting_state_decides_signed(desk, sign, pki):
    record = request_reexport(desk, get_user(desk, "petar"), request())
    assert record.decision is None
    assert last_change(desk) == ("reexport_requests:RX-1", "reexport_requested", None)
    decided = decide_reexport(
        desk, get_user(desk, "olga"), "RX-1", "approved_with_conditions",
        on=date(2026, 5, 20), conditions=["no transfer to third parties"], sign=sign,
    )  # fmt: skip
    desk.commit()
    row = desk.get(ReexportRequestRow, "RX-1")
    assert row.outcome == "approved_with_conditions"
    assert row.document["decision"] == {
        "outcome": "approved_with_conditions", "date": "2026-05-20", "by": "RS-EXPORT",
        "conditions": ["no transfer to third parties"],
    }  # fmt: skip
    assert last_change(desk) == (
        "reexport_requests:RX-1",
        "reexport_approved_with_conditions",
        None,
    )
    result = verify(decided.signed, pki.store(), at=datetime(2026, 6, 1, tzinfo=UTC))
    assert result.valid, result.details
    assert result.document["decision"]["outcome"] == "approved_with_conditions"
    with pytest.raises(DomainError) as info:
        decide_reexport(desk, get_user(desk, "olga"), "RX-1", "refused", criteria=[7], sign=sign)
    assert info.value.first.reason == "invalid_transition"


@pytest.mark.parametrize(
    ("outcome", "kwargs", "path"),
    [
        ("refused", {}, "$.decision.criteria_cited"),
        ("approved_with_conditions", {}, "$.decision.conditions"),
        ("pending", {}, "$.decision.outcome"),
    ],
)
def test_a_decision_says_why(desk, sign, outcome, kwargs, path):
    request_reexport(desk, get_user(desk, "petar"), request())
    desk.commit()
    before = snapshot(desk)
    with pytest.raises(DomainError) as info:
        decide_reexport(desk, get_user(desk, "olga"), "RX-1", outcome, sign=sign, **kwargs)
    assert info.value.first.path == path
    assert snapshot(desk) == before


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"original_licence": "RS-404"}, "$.original_licence"),
        (
            {"original_euc": {"issuing_authority": "CZ-MOD", "euc_number": "CZ-MOD-2025-0042"}},
            "$.original_euc",
        ),
        ({"items": [{"licence_line": 1, "quantity": 12001}]}, "$.items[0].quantity"),
        ({"proposed_end_user": "p-ghost"}, "$.proposed_end_user"),
        ({"decision": {"outcome": "approved"}}, "$.decision"),
        ({"proposed_destination": "XX"}, "$.proposed_destination"),
    ],
)
def test_a_request_that_contradicts_the_registry_is_refused(desk, changes, path):
    before = snapshot(desk)
    with pytest.raises(DomainError) as info:
        request_reexport(desk, get_user(desk, "petar"), request(**changes))
    assert path in [p.path for p in info.value.problems]
    assert snapshot(desk) == before


def test_who_may_request_and_decide(desk, sign):
    for name in ("ivan", "mallory", "carl", "ann"):  # CZ speaks not for BG; others may not ask
        with pytest.raises(PermissionDenied):
            request_reexport(desk, get_user(desk, name), request())
        desk.rollback()
    with pytest.raises(DomainError) as info:  # the licence holder asks for itself only
        request_reexport(desk, get_user(desk, "bob"), request())
    assert info.value.first.path == "$.requesting_party"
    desk.rollback()
    request_reexport(desk, get_user(desk, "bob"), request("RX-0", requesting_party="p-exporter"))
    request_reexport(desk, get_user(desk, "petar"), request())
    desk.commit()
    for name in ("petar", "bob", "root"):
        with pytest.raises(PermissionDenied):
            decide_reexport(desk, get_user(desk, name), "RX-1", "approved", sign=sign)
        desk.rollback()
