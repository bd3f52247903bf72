"""Delivery verification: never more than shipped; signed DVC1 verified first (both databases)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from builders import last_change, snapshot, with_claims
from enduse.docs.doctypes import DOC_TYPES
from enduse.docs.signing import sign_document, sign_record
from enduse.domain.bundle import load_bundle_text
from enduse.domain.errors import DomainError
from enduse.domain.shipment import DeliveryVerification
from enduse.registry.models import DeliveryVerificationRow
from enduse.scenarios import scenario_text
from enduse.workflow.deliveries import add_delivery, add_signed_delivery
from enduse.workflow.licensing import apply, decide
from enduse.workflow.roles import PermissionDenied
from enduse.workflow.shipping import ship
from enduse.workflow.users import get_user

BUNDLE = load_bundle_text(scenario_text()).bundle
AT = datetime(2026, 4, 1, tzinfo=UTC)


@pytest.fixture
def shipped(desk, sign):
    apply(desk, get_user(desk, "bob"), {
        "licence_number": "RS-2026-0009", "exporting_state": "RS", "authority": "RS-EXPORT",
        "applicant": "p-exporter", "euc": {"issuing_authority": "CZ-MOD", "euc_number": "CZ-MOD-2026-0007"},
        "items": [{"euc_line": 1, "quantity": 50}],
    })  # fmt: skip
    decide(desk, get_user(desk, "olga"), "RS-2026-0009", "issued", on=date(2026, 2, 1), sign=sign)
    for sid, quantity in (("SH-A", 30), ("SH-B", 20)):
        ship(desk, get_user(desk, "bob"), {
            "shipment_id": sid, "licence_number": "RS-2026-0009", "date": "2026-03-01",
            "route": ["RS", "CZ"], "items": [{"licence_line": 1, "quantity": quantity}],
        })  # fmt: skip
    desk.commit()
    return desk


def dvc(number: str, quantity: int, shipment: str | None = "SH-A", **changes) -> dict:  # type: ignore[no-untyped-def]
    return {"dvc_number": number, "issuing_authority": "CZ-CUSTOMS", "licence_number": "RS-2026-0009",
            "euc_number": "CZ-MOD-2026-0007", "shipment_id": shipment, "arrival_date": "2026-03-04",
            "delivered_to": "p-army-cz", "items": [{"licence_line": 1, "quantity": quantity}],
            **changes}  # fmt: skip


def test_customs_certify_what_arrived_never_more_than_shipped(shipped):
    carl = get_user(shipped, "carl")
    add_delivery(shipped, carl, dvc("CZ-DVC-1", 25))
    shipped.commit()
    assert last_change(shipped) == ("delivery_verifications:CZ-DVC-1", "delivery_verified", None)
    before = snapshot(shipped)
    with pytest.raises(DomainError) as info:
        add_delivery(shipped, carl, dvc("CZ-DVC-2", 6))
    assert "shipment SH-A line 1: 5 of 30 left, 6 asked" in str(info.value)
    assert snapshot(shipped) == before
    add_delivery(shipped, carl, dvc("CZ-DVC-2", 5))
    # without a shipment, the whole licence's shipments are the limit
    with pytest.raises(DomainError, match="shipments of RS-2026-0009 line 1: 20 of 50 left"):
        add_delivery(shipped, carl, dvc("CZ-DVC-3", 21, shipment=None))


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"euc_number": "CZ-MOD-2025-0042"}, "$.euc_number"),
        ({"shipment_id": "SH-2025-0001"}, "$.shipment_id"),  # another licence's shipment
        ({"arrival_date": "2026-02-28"}, "$.arrival_date"),
        ({"delivered_to": "p-ghost"}, "$.delivered_to"),
        ({"items": [{"licence_line": 2, "quantity": 1}]}, "$.items[0].licence_line"),
    ],
)
def test_a_dvc_that_contradicts_the_registry_is_refused(shipped, changes, path):
    before = snapshot(shipped)
    with pytest.raises(DomainError) as info:
        add_delivery(shipped, get_user(shipped, "carl"), dvc("CZ-DVC-9", 1) | changes)
    assert path in [p.path for p in info.value.problems]
    assert snapshot(shipped) == before


def test_dvcs_never_certify_more_than_the_licence_shipped_in_total(shipped):
    carl = get_user(shipped, "carl")
    add_delivery(shipped, carl, dvc("CZ-DVC-1", 50, shipment=None))
    with pytest.raises(DomainError, match="shipments of RS-2026-0009 line 1: 0 of 50 left"):
        add_delivery(shipped, carl, dvc("CZ-DVC-2", 30))  # SH-A alone would still allow it


def test_only_the_customs_of_the_destination_certify_delivery(shipped):
    boris = get_user(shipped, "boris")  # BG customs: the goods were declared for CZ
    with pytest.raises(DomainError) as info:
        add_delivery(shipped, boris, dvc("BG-DVC-1", 1, issuing_authority="BG-CUSTOMS"))
    assert (info.value.first.path, info.value.first.reason) == ("$.issuing_authority", "invalid")
    assert "declared for CZ" in info.value.first.message


def test_a_signed_field_is_never_taken_on_trust(shipped, pki):
    with pytest.raises(DomainError) as info:
        add_delivery(
            shipped, get_user(shipped, "carl"), dvc("CZ-DVC-1", 1, signed=_signed("X", 1, pki))
        )
    assert info.value.first.path == "$.signed"


def test_only_the_issuing_customs_file_an_unsigned_dvc(shipped):
    for name in ("boris", "olga", "bob", "ann"):  # olga (an officer) files signed DVCs only
        with pytest.raises(PermissionDenied):
            add_delivery(shipped, get_user(shipped, name), dvc("CZ-DVC-1", 1))
        shipped.rollback()


def _signed(number: str, quantity: int, pki) -> str:  # type: ignore[no-untyped-def]
    record = DeliveryVerification.model_validate(dvc(number, quantity))
    return sign_record(BUNDLE, DOC_TYPES["DVC"], record, pki)


def test_a_signed_dvc1_is_verified_and_any_officer_may_file_it(shipped, pki):
    payload = _signed("CZ-DVC-7", 30, pki)
    record = add_signed_delivery(shipped, get_user(shipped, "olga"), payload, pki.store(), at=AT)
    shipped.commit()
    row = shipped.get(DeliveryVerificationRow, "CZ-DVC-7")
    assert row.signed == record.signed == payload
    assert row.document["delivered_to"] == "p-army-cz"


def test_a_signer_of_one_state_cannot_certify_for_anothers_customs(shipped, tmp_path):
    from builders import PKI_START
    from enduse.docs.local_pki import LocalPki

    rogue = LocalPki(tmp_path)  # BG's CSCA issuing a signer that calls itself CZ-CUSTOMS
    rogue.init_state("BG", valid_from=PKI_START)
    rogue.issue_signer("BG", "CZ-CUSTOMS", [DOC_TYPES["DVC"]], valid_from=PKI_START)
    record = DeliveryVerification.model_validate(dvc("CZ-DVC-6", 1))
    key = rogue.signing_key("CZ-CUSTOMS", DOC_TYPES["DVC"])
    payload = sign_document(DOC_TYPES["DVC"], record, BUNDLE, key, "BG")
    before = snapshot(shipped)
    with pytest.raises(DomainError) as info:
        add_signed_delivery(shipped, get_user(shipped, "boris"), payload, rogue.store(), at=AT)
    assert (info.value.first.reason, info.value.first.path) == ("bad_signer", "$.signed")
    assert "CZ-CUSTOMS is an authority of CZ; the signer is of BG" in info.value.first.message
    assert snapshot(shipped) == before


def test_a_forged_dvc1_is_refused_with_its_reason(shipped, pki):
    def more(claims):  # type: ignore[no-untyped-def]
        claims[-70000]["items"][0]["quantity"] = 3

    payload = with_claims(_signed("CZ-DVC-8", 30, pki), more)
    before = snapshot(shipped)
    with pytest.raises(DomainError) as info:
        add_signed_delivery(shipped, get_user(shipped, "olga"), payload, pki.store(), at=AT)
    assert (info.value.first.path, info.value.first.reason) == ("$.signed", "bad_signature")
    assert snapshot(shipped) == before
    with pytest.raises(PermissionDenied):  # the role is checked before the payload is even read
        add_signed_delivery(shipped, get_user(shipped, "bob"), "garbage", pki.store(), at=AT)
