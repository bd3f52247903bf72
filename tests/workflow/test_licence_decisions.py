"""Licence decisions: the lifecycle, criteria on refusal, the signed LIC1, scoping (both databases)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from builders import last_change, snapshot
from enduse.docs.verify import verify
from enduse.domain.errors import DomainError
from enduse.registry.models import LicenceRow
from enduse.workflow.licensing import apply, decide, expire_due
from enduse.workflow.roles import PermissionDenied
from enduse.workflow.users import add_user, get_user

DAY = date(2026, 2, 2)


def application(number: str, quantity: int = 40) -> dict:
    return {
        "licence_number": number,
        "exporting_state": "RS",
        "authority": "RS-EXPORT",
        "applicant": "p-exporter",
        "euc": {"issuing_authority": "CZ-MOD", "euc_number": "CZ-MOD-2026-0007"},
        "items": [{"euc_line": 1, "quantity": quantity}],
    }


@pytest.fixture
def applied(desk):
    apply(desk, get_user(desk, "bob"), application("RS-2026-0001"))
    desk.commit()
    return desk


def test_an_issued_licence_is_signed_by_its_authority_and_valid_until_the_euc(applied, sign, pki):
    olga = get_user(applied, "olga")
    decide(applied, olga, "RS-2026-0001", "under_review", on=DAY)
    assert last_change(applied) == ("licences:RS-2026-0001", "licence_under_review", "applied")
    licence = decide(applied, olga, "RS-2026-0001", "issued", on=DAY, sign=sign)
    applied.commit()
    assert (licence.valid_from, licence.valid_until) == (DAY, date(2027, 12, 31))
    assert licence.items[0].line == 1  # numbered on application
    row = applied.get(LicenceRow, "RS-2026-0001")
    assert row.status == "issued" and row.signed == licence.signed
    assert row.document["status"] == "issued" and row.document["signed"] == licence.signed
    assert last_change(applied) == ("licences:RS-2026-0001", "licence_issued", "under_review")
    result = verify(licence.signed, pki.store(), at=datetime(2026, 3, 1, tzinfo=UTC))
    assert result.valid, result.details
    assert result.document["status"] == "issued"
    assert result.document["applicant"]["name"]  # the applicant embedded for an offline reader
    assert result.signer["authority"] == "RS-EXPORT"


def test_suspension_keeps_the_signed_licence_and_reinstatement_reissues_nothing(applied, sign):
    olga = get_user(applied, "olga")
    issued = decide(applied, olga, "RS-2026-0001", "issued", on=DAY, sign=sign)
    suspended = decide(applied, olga, "RS-2026-0001", "suspended", on=DAY)
    assert suspended.signed == issued.signed and suspended.status == "suspended"
    again = decide(applied, olga, "RS-2026-0001", "issued", on=date(2026, 3, 1))
    assert again.signed == issued.signed and again.date_of_decision == DAY
    assert last_change(applied)[1:] == ("licence_issued", "suspended")


def test_a_refusal_cites_its_criteria_and_is_final(applied):
    olga = get_user(applied, "olga")
    before = snapshot(applied)
    with pytest.raises(DomainError) as info:
        decide(applied, olga, "RS-2026-0001", "refused", on=DAY)
    assert (info.value.first.path, info.value.first.reason) == ("$.criteria_cited", "missing")
    assert snapshot(applied) == before
    licence = decide(applied, olga, "RS-2026-0001", "refused", on=DAY, criteria=[7, "1"])
    assert licence.criteria_cited == [7, "1"] and licence.date_of_decision == DAY
    assert licence.signed is None
    with pytest.raises(DomainError, match="refused can become nothing"):
        decide(applied, olga, "RS-2026-0001", "issued", on=DAY)


@pytest.mark.parametrize(
    ("steps", "target", "reason"),
    [
        ([], "exhausted", "unknown_value"),
        ([], "suspended", "invalid_transition"),
        (["issued"], "under_review", "invalid_transition"),
        (["issued"], "applied", "unknown_value"),
        (["issued", "revoked"], "issued", "invalid_transition"),
    ],
)
def test_moves_the_lifecycle_does_not_allow_are_refused(applied, sign, steps, target, reason):
    olga = get_user(applied, "olga")
    for step in steps:
        decide(applied, olga, "RS-2026-0001", step, on=DAY, sign=sign, criteria=[1])
    applied.commit()
    before = snapshot(applied)
    with pytest.raises(DomainError) as info:
        decide(applied, olga, "RS-2026-0001", target, on=DAY, sign=sign, criteria=[1])
    assert (info.value.first.path, info.value.first.reason) == ("$.status", reason)
    assert snapshot(applied) == before


def test_validity_never_outlives_the_euc_and_issuing_needs_a_signer(applied, sign):
    olga = get_user(applied, "olga")
    with pytest.raises(DomainError, match="cannot outlive it"):
        decide(
            applied, olga, "RS-2026-0001", "issued", on=DAY, valid_until=date(2028, 1, 1), sign=sign
        )
    applied.rollback()
    with pytest.raises(DomainError, match="is before"):
        decide(
            applied, olga, "RS-2026-0001", "issued", on=DAY, valid_until=date(2026, 1, 1), sign=sign
        )
    applied.rollback()
    with pytest.raises(DomainError, match="no signer"):
        decide(applied, olga, "RS-2026-0001", "issued", on=DAY)
    applied.rollback()
    assert applied.get(LicenceRow, "RS-2026-0001").status == "applied"


def test_only_an_officer_of_the_licences_authority_decides(applied, sign):
    add_user(applied, "zoran", "licensing_officer", authority="CZ-CUSTOMS")
    applied.commit()
    for name, reason in [("bob", "role"), ("ann", "role"), ("root", "role"), ("zoran", "scope")]:
        with pytest.raises(PermissionDenied) as info:
            decide(applied, get_user(applied, name), "RS-2026-0001", "issued", on=DAY, sign=sign)
        assert info.value.reason == reason
        applied.rollback()
    with pytest.raises(DomainError, match="no licence 'RS-404'"):
        decide(applied, get_user(applied, "olga"), "RS-404", "issued", sign=sign)


def test_an_applicant_cannot_decide_its_own_licence_by_applying(desk):
    data = dict(application("RS-2026-0002"), valid_until="2027-01-01")
    with pytest.raises(DomainError) as info:
        apply(desk, get_user(desk, "bob"), data)
    assert info.value.first.path == "$.valid_until"


def test_licences_past_their_validity_expire_and_stop_reserving(applied, sign):
    olga = get_user(applied, "olga")
    decide(
        applied, olga, "RS-2026-0001", "issued", on=DAY, valid_until=date(2026, 6, 30), sign=sign
    )
    applied.commit()
    # the seed's licences (valid to 2025-12-31 and 2026-03-10) are past already
    assert expire_due(applied, olga, date(2026, 6, 30)) == ["RS-2025-0107", "RS-2025-0131"]
    assert expire_due(applied, olga, date(2026, 7, 1)) == ["RS-2026-0001"]
    applied.commit()
    assert applied.get(LicenceRow, "RS-2026-0001").status == "expired"
    assert last_change(applied)[1:] == ("licence_expired", "issued")
    # nothing was shipped under it: its 40 are free again for a new application
    apply(applied, get_user(applied, "bob"), application("RS-2026-0002", 100))
    with pytest.raises(PermissionDenied):
        expire_due(applied, get_user(applied, "bob"))


def test_licence_lines_are_unique_so_a_shipment_cannot_pool_them(desk):
    data = dict(application("RS-2026-0003"), items=[
        {"line": 1, "euc_line": 1, "quantity": 50}, {"line": 1, "euc_line": 2, "quantity": 5000},
    ])  # fmt: skip
    with pytest.raises(DomainError) as info:
        apply(desk, get_user(desk, "bob"), data)
    assert (info.value.first.path, info.value.first.reason) == ("$.items", "duplicate")
