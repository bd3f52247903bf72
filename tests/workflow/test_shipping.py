"""Shipments: only under an issued, current licence, never above it; the last one exhausts it."""

from __future__ import annotations

from datetime import date

import pytest

from builders import last_change, snapshot
from enduse.domain.errors import DomainError
from enduse.registry.models import LicenceRow
from enduse.workflow.licensing import apply, decide
from enduse.workflow.roles import PermissionDenied
from enduse.workflow.shipping import ship
from enduse.workflow.users import get_user


@pytest.fixture
def licensed(desk, sign):
    application = {
        "licence_number": "RS-2026-0005",
        "exporting_state": "RS",
        "authority": "RS-EXPORT",
        "applicant": "p-exporter",
        "euc": {"issuing_authority": "CZ-MOD", "euc_number": "CZ-MOD-2026-0007"},
        "items": [{"euc_line": 1, "quantity": 60}, {"euc_line": 2, "quantity": 5000}],
    }
    apply(desk, get_user(desk, "bob"), application)
    decide(desk, get_user(desk, "olga"), "RS-2026-0005", "issued", on=date(2026, 2, 1), sign=sign)
    desk.commit()
    return desk


def shipment(sid: str, q1: int, q2: int = 0, **changes) -> dict:  # type: ignore[no-untyped-def]
    items = [{"licence_line": 1, "quantity": q1, "lots": [f"LOT-{sid}"]}]
    if q2:
        items.append({"licence_line": 2, "quantity": q2})
    return {"shipment_id": sid, "licence_number": "RS-2026-0005", "date": "2026-03-01",
            "route": ["RS", "HU", "CZ"], "carrier": "p-carrier", "items": items, **changes}  # fmt: skip


def test_shipments_draw_on_the_licence_and_a_refused_one_changes_nothing(licensed):
    bob = get_user(licensed, "bob")
    ship(licensed, bob, shipment("SH-1", 40, 1000))
    licensed.commit()
    assert last_change(licensed) == ("shipments:SH-1", "shipment_recorded", None)
    before = snapshot(licensed)
    with pytest.raises(DomainError) as info:
        ship(licensed, bob, shipment("SH-2", 21, 4000))
    assert [(p.path, p.reason) for p in info.value.problems] == [
        ("$.items[0].quantity", "overdraw")
    ]
    assert "licence RS-2026-0005 line 1: 20 of 60 left, 21 asked" in str(info.value)
    assert snapshot(licensed) == before
    ship(licensed, bob, shipment("SH-2", 20, 3999))
    licensed.commit()
    assert licensed.get(LicenceRow, "RS-2026-0005").status == "issued"  # one round left


def test_shipping_everything_licensed_exhausts_the_licence(licensed):
    bob = get_user(licensed, "bob")
    ship(licensed, bob, shipment("SH-1", 60, 4999))
    assert licensed.get(LicenceRow, "RS-2026-0005").status == "issued"
    ship(licensed, bob, shipment("SH-2", 0, 1) | {"items": [{"licence_line": 2, "quantity": 1}]})
    licensed.commit()
    row = licensed.get(LicenceRow, "RS-2026-0005")
    assert row.status == row.document["status"] == "exhausted"
    assert row.document["signed"] == row.signed  # the signed licence stays as signed
    assert last_change(licensed) == ("licences:RS-2026-0005", "licence_exhausted", "issued")
    with pytest.raises(DomainError, match="is exhausted: nothing may ship"):
        ship(licensed, bob, shipment("SH-3", 1))


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"date": "2026-01-31"}, "$.date"),  # before the licence
        ({"date": "2028-01-01"}, "$.date"),  # after it
        ({"route": ["HU", "CZ"]}, "$.route[0]"),
        ({"consignee": "p-ghost"}, "$.consignee"),
        ({"licence_number": "RS-404"}, "$.licence_number"),
        ({"items": [{"licence_line": 9, "quantity": 1}]}, "$.items[0].licence_line"),
        ({"items": [{"licence_line": 1, "quantity": "1"}]}, "$.items[0].quantity"),
        ({"route": []}, "$.route"),
    ],
)
def test_a_shipment_the_licence_does_not_cover_is_refused_with_its_path(licensed, changes, path):
    before = snapshot(licensed)
    with pytest.raises(DomainError) as info:
        ship(licensed, get_user(licensed, "bob"), shipment("SH-9", 1) | changes)
    assert path in [p.path for p in info.value.problems]
    assert snapshot(licensed) == before


def test_only_the_licence_holder_ships_and_only_under_an_issued_licence(licensed, sign):
    with pytest.raises(PermissionDenied, match="acts for p-broker"):
        ship(licensed, get_user(licensed, "mallory"), shipment("SH-1", 1))
    with pytest.raises(PermissionDenied):
        ship(licensed, get_user(licensed, "olga"), shipment("SH-1", 1))
    licensed.rollback()
    decide(licensed, get_user(licensed, "olga"), "RS-2026-0005", "suspended", on=date(2026, 2, 5))
    with pytest.raises(DomainError, match="is suspended"):
        ship(licensed, get_user(licensed, "bob"), shipment("SH-1", 1))
    licensed.rollback()
    with pytest.raises(DomainError, match=r"duplicate|exists"):
        ship(licensed, get_user(licensed, "bob"), shipment("SH-2025-0001", 1))
