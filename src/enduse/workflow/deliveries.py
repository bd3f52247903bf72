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
from enduse.domain.ledger import check_draw, drawn
from enduse.domain.shipment import DeliveryVerification
from enduse.registry import models as m
from enduse.workflow.recording import (
    accept_signed,
    atomic,
    check_references,
    record_new,
    refuse_unverified_signature,
    validated,
)
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


@atomic
def add_delivery(session: Session, user: User, data: Any) -> DeliveryVerification:
    """Record an unsigned DVC: only the customs of its issuing authority may."""
    refuse_unverified_signature(data)
    dvc = validated(DeliveryVerification, data)
    authorize(user, Action.ADD_DVC, Subject(authority=dvc.issuing_authority))
    return _record(session, dvc)


@atomic
def add_signed_delivery(
    session: Session, user: User, payload: str, trust: TrustStore, at: datetime | None = None
) -> DeliveryVerification:
    """Verify a `DVC1:` payload, then record the delivery it certifies. The verified signature
    already proves which authority issued it, so any customs or licensing officer may file it."""
    authorize(user, Action.ADD_SIGNED_DVC)  # before any work on untrusted input
    result = verify(payload, trust, at=at, prefix="DVC1:")
    return _record(
        session, validated(DeliveryVerification, accept_signed(session, "DVC", result, payload))
    )


def _record(session: Session, dvc: DeliveryVerification) -> DeliveryVerification:
    """Never more certified than was shipped: per shipment when it names one, and always in
    total for the licence. The issuing customs must be of the declared final destination."""
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
    elif authority.state != euc.country_of_final_destination:
        problems.append(
            Problem("$.issuing_authority", "invalid",
                    f"{authority.id} is of {authority.state}; the goods were declared for "
                    f"{euc.country_of_final_destination}")
        )  # fmt: skip
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
    wanted = drawn(dvc.items, "licence_line")
    if shipment is not None:
        check_draw(
            _shipment_lines(session, shipment.shipment_id),
            _delivered_lines(session, licence.licence_number, shipment.shipment_id), wanted,
            line_field="licence_line", what=f"shipment {shipment.shipment_id}",
        )  # fmt: skip
    check_draw(
        shipped_lines(session, licence.licence_number),
        _delivered_lines(session, licence.licence_number, None), wanted,
        line_field="licence_line", what=f"shipments of {licence.licence_number}",
    )  # fmt: skip
    record_new(session, "delivery_verifications", dvc, "delivery_verified")
    return dvc
