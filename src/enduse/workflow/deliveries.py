"""Delivery verification certificates: what the importing state certifies arrived.

A DVC is accepted as a record of the importing state's customs, or as a signed
`DVC1:` payload verified against the trust list; either way it can never
certify more than was shipped.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from enduse.docs.trust_list import TrustStore
from enduse.docs.verify import verify
from enduse.domain.errors import DomainError, Problem
from enduse.domain.ledger import check_draw
from enduse.domain.shipment import DeliveryVerification
from enduse.registry import models as m
from enduse.workflow.recording import accept_signed, check_references, record_new, validated
from enduse.workflow.roles import Action, Subject, User, authorize
from enduse.workflow.shipping import shipped_lines


def _shipment_lines(session: Session, shipment_id: str) -> dict[int, Decimal]:
    rows = session.execute(
        select(m.ShipmentItemRow.licence_line, func.sum(m.ShipmentItemRow.quantity))
        .where(m.ShipmentItemRow.shipment_id == shipment_id)
        .group_by(m.ShipmentItemRow.licence_line)
    )
    return {line: q for line, q in rows if line is not None and q is not None}


def _delivered_lines(
    session: Session, licence_number: str, shipment_id: str | None
) -> dict[int, Decimal]:
    query = (
        select(m.DvcItemRow.licence_line, func.sum(m.DvcItemRow.quantity))
        .join(m.DeliveryVerificationRow, m.DeliveryVerificationRow.dvc_number == m.DvcItemRow.dvc_number)
        .where(m.DeliveryVerificationRow.licence_number == licence_number)
        .group_by(m.DvcItemRow.licence_line)
    )  # fmt: skip
    if shipment_id is not None:
        query = query.where(m.DeliveryVerificationRow.shipment_id == shipment_id)
    return {line: q for line, q in session.execute(query) if line is not None and q is not None}


def add_delivery(
    session: Session, user: User, data: Any, *, verified: bool = False
) -> DeliveryVerification:
    """Record a DVC. Unsigned, only the customs of its issuing authority may; a verified
    signature already proves who issued it, so any customs or licensing officer may file it."""
    dvc = validated(DeliveryVerification, data)
    authorize(user, Action.ADD_DVC, Subject(authority=None if verified else dvc.issuing_authority))
    if session.get(m.DeliveryVerificationRow, dvc.dvc_number) is not None:
        raise DomainError(
            [Problem("$.dvc_number", "duplicate", f"DVC {dvc.dvc_number} is already registered")]
        )
    check_references(session, "delivery_verifications", dvc)
    licence = session.get(m.LicenceRow, dvc.licence_number, with_for_update=True)
    authority = session.get(m.AuthorityRow, dvc.issuing_authority)
    assert licence is not None and authority is not None  # references were checked
    euc = session.get(m.EucRow, licence.euc_pk)
    assert euc is not None
    problems = []
    if "dvc_issuing" not in authority.document.get("functions", []):
        problems.append(
            Problem("$.issuing_authority", "invalid", f"{authority.id} does not issue DVCs")
        )
    if dvc.euc_number is not None and dvc.euc_number != euc.euc_number:
        problems.append(
            Problem("$.euc_number", "invalid",
                    f"licence {licence.licence_number} is for EUC {euc.euc_number}")
        )  # fmt: skip
    shipment = session.get(m.ShipmentRow, dvc.shipment_id) if dvc.shipment_id else None
    if shipment is not None and shipment.licence_number != licence.licence_number:
        problems.append(
            Problem("$.shipment_id", "invalid",
                    f"shipment {shipment.shipment_id} is under licence {shipment.licence_number}")
        )  # fmt: skip
    if shipment is not None and dvc.arrival_date < shipment.date:
        problems.append(
            Problem("$.arrival_date", "invalid", f"before the shipment left ({shipment.date})")
        )
    if problems:
        raise DomainError(problems)
    if shipment is not None:
        limits, what = (
            _shipment_lines(session, shipment.shipment_id),
            f"shipment {shipment.shipment_id}",
        )
    else:
        limits, what = (
            shipped_lines(session, licence.licence_number),
            f"shipments of {licence.licence_number}",
        )
    wanted = [
        (i.licence_line, None if i.quantity is None else Decimal(str(i.quantity)))
        for i in dvc.items
    ]
    check_draw(
        limits, _delivered_lines(session, licence.licence_number, dvc.shipment_id), wanted,
        line_field="licence_line", what=what,
    )  # fmt: skip
    record_new(session, "delivery_verifications", dvc, "delivery_verified")
    return dvc


def add_signed_delivery(
    session: Session, user: User, payload: str, trust: TrustStore, at: datetime | None = None
) -> DeliveryVerification:
    """Verify a `DVC1:` payload, then record the delivery it certifies."""
    authorize(user, Action.ADD_DVC)
    result = verify(payload, trust, at=at, prefix="DVC1:")
    return add_delivery(
        session, user, accept_signed(session, "DVC", result, payload), verified=True
    )
