"""Shipments against their licence: only under an issued, current licence, never above it.

Shipping the last licensed quantity exhausts the licence, in the same transaction.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from enduse.domain.errors import DomainError, Problem
from enduse.domain.ledger import check_draw, drawn, fully_drawn
from enduse.domain.licence import Licence
from enduse.domain.lifecycle import SHIPPABLE
from enduse.domain.shipment import Shipment
from enduse.registry import models as m
from enduse.workflow.recording import atomic, check_references, record_new, rewrite, validated
from enduse.workflow.roles import Action, Subject, User, authorize


def licensed_lines(session: Session, licence_number: str) -> dict[int, Decimal]:
    rows = session.execute(
        select(m.LicenceItemRow.line, m.LicenceItemRow.quantity).where(
            m.LicenceItemRow.licence_number == licence_number
        )
    )
    out: dict[int, Decimal] = {}
    for line, quantity in rows:
        if line is not None and quantity is not None:
            out[line] = out.get(line, Decimal(0)) + quantity
    return out


def shipped_lines(session: Session, licence_number: str) -> dict[int, Decimal]:
    rows = session.execute(
        select(m.ShipmentItemRow.licence_line, func.sum(m.ShipmentItemRow.quantity))
        .join(m.ShipmentRow, m.ShipmentRow.shipment_id == m.ShipmentItemRow.shipment_id)
        .where(m.ShipmentRow.licence_number == licence_number)
        .group_by(m.ShipmentItemRow.licence_line)
    )
    return {line: total for line, total in rows if line is not None and total is not None}


@atomic
def ship(session: Session, user: User, data: Any) -> Shipment:
    """Record a shipment by the licence holder; refused above what the licence still allows."""
    shipment = validated(Shipment, data)
    row = session.get(m.LicenceRow, shipment.licence_number, with_for_update=True)
    if row is None:
        raise DomainError(
            [Problem("$.licence_number", "dangling_reference",
                     f"no licence {shipment.licence_number!r} in the registry")]
        )  # fmt: skip
    authorize(user, Action.SHIP, Subject(party=row.applicant))
    if session.get(m.ShipmentRow, shipment.shipment_id) is not None:
        raise DomainError(
            [Problem("$.shipment_id", "duplicate", f"shipment {shipment.shipment_id} exists")]
        )
    check_references(session, "shipments", shipment)
    problems = []
    if row.status not in SHIPPABLE:
        problems.append(
            Problem("$.licence_number", "invalid",
                    f"licence {row.licence_number} is {row.status}: nothing may ship under it")
        )  # fmt: skip
    if row.valid_from and shipment.date < row.valid_from:
        problems.append(Problem("$.date", "invalid", f"the licence is valid from {row.valid_from}"))
    if row.valid_until and shipment.date > row.valid_until:
        problems.append(Problem("$.date", "invalid", f"the licence expired on {row.valid_until}"))
    if shipment.route[0] != row.exporting_state:
        problems.append(
            Problem("$.route[0]", "invalid",
                    f"a route starts in the exporting state {row.exporting_state}")
        )  # fmt: skip
    if problems:
        raise DomainError(problems)
    licensed = licensed_lines(session, row.licence_number)
    shipped = shipped_lines(session, row.licence_number)
    wanted = drawn(shipment.items, "licence_line")
    check_draw(
        licensed, shipped, wanted, line_field="licence_line", what=f"licence {row.licence_number}"
    )
    record_new(session, "shipments", shipment, "shipment_recorded")
    after = dict(shipped)
    for line, quantity in wanted:
        after[line] = after.get(line, Decimal(0)) + quantity  # type: ignore[index, operator]
    if fully_drawn(licensed, after):
        licence = validated(Licence, {**row.document, "status": "exhausted"})
        row.status = "exhausted"
        rewrite(
            session, "licences", row, licence, "licence_exhausted", "issued", row.exporting_state
        )
    return shipment
