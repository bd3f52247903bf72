"""Licence applications, against the quantity ledger, in one transaction with their log entry."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from enduse.domain.errors import DomainError, Problem, problems_from_pydantic
from enduse.domain.ledger import LicenceUse, check_application
from enduse.domain.licence import Licence
from enduse.registry import models as m
from enduse.registry.bundle_io import describe, record_object
from enduse.workflow.logbook import record_change
from enduse.workflow.roles import Action, Subject, User, authorize


def _uses(session: Session, euc_pk: int) -> list[LicenceUse]:
    shipped_query = (
        select(
            m.ShipmentRow.licence_number,
            m.ShipmentItemRow.licence_line,
            func.sum(m.ShipmentItemRow.quantity),
        )
        .join(m.ShipmentItemRow, m.ShipmentItemRow.shipment_id == m.ShipmentRow.shipment_id)
        .join(m.LicenceRow, m.LicenceRow.licence_number == m.ShipmentRow.licence_number)
        .where(m.LicenceRow.euc_pk == euc_pk)
        .group_by(m.ShipmentRow.licence_number, m.ShipmentItemRow.licence_line)
    )
    shipped = {(number, line): total for number, line, total in session.execute(shipped_query)}
    rows = session.execute(
        select(m.LicenceRow.licence_number, m.LicenceRow.status, m.LicenceItemRow.line,
               m.LicenceItemRow.euc_line, m.LicenceItemRow.quantity)
        .join(m.LicenceItemRow, m.LicenceItemRow.licence_number == m.LicenceRow.licence_number)
        .where(m.LicenceRow.euc_pk == euc_pk)
    )  # fmt: skip
    return [
        LicenceUse(
            status, euc_line, quantity or Decimal(0), shipped.get((number, line), Decimal(0))
        )
        for number, status, line, euc_line, quantity in rows
        if euc_line is not None
    ]


def apply(session: Session, user: User, application: dict[str, Any]) -> Licence:
    """Record a licence application (status `applied`) if its EUC still allows every item."""
    data = {**application, "status": "applied"}
    try:
        licence = Licence.model_validate(data)
    except ValidationError as e:
        raise DomainError(problems_from_pydantic(e, data=data)) from None
    authorize(user, Action.APPLY, Subject(party=licence.applicant))
    euc = session.scalars(
        select(m.EucRow)
        .where(
            m.EucRow.issuing_authority == licence.euc.issuing_authority,
            m.EucRow.euc_number == licence.euc.euc_number,
        )
        .with_for_update()  # concurrent applications on one EUC queue here
    ).one_or_none()
    if euc is None:
        raise DomainError(
            [Problem("$.euc", "dangling_reference", f"no EUC {licence.euc.key} in the registry")]
        )
    if session.get(m.LicenceRow, licence.licence_number) is not None:
        raise DomainError(
            [Problem("$.licence_number", "duplicate", f"licence {licence.licence_number} exists")]
        )
    authority = session.get(m.AuthorityRow, licence.authority)
    problems = []
    if authority is None or "export_licensing" not in authority.document.get("functions", []):
        problems.append(
            Problem(
                "$.authority",
                "invalid",
                f"{licence.authority!r} is not an export licensing authority",
            )
        )
    elif authority.state != licence.exporting_state:
        problems.append(
            Problem(
                "$.exporting_state",
                "invalid",
                f"{licence.authority} licenses for {authority.state}",
            )
        )
    exporter = euc.document.get("exporter")
    if exporter != licence.applicant:
        problems.append(
            Problem(
                "$.applicant",
                "invalid",
                f"the EUC names {exporter!r} as exporter, not {licence.applicant!r}",
            )
        )
    if problems:
        raise DomainError(problems)
    lines = dict(session.execute(select(m.EucItemRow.line, m.EucItemRow.quantity).where(m.EucItemRow.euc_pk == euc.pk)).all())  # fmt: skip
    wanted = [
        (i.euc_line, None if i.quantity is None else Decimal(str(i.quantity)))
        for i in licence.items
    ]
    check_application(lines, _uses(session, euc.pk), wanted)
    if session.get_bind().dialect.name == "postgresql":  # recording order is one sequence
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext('enduse.registry.record'))"))
    ordinal = (session.scalar(select(func.max(m.LicenceRow.ordinal))) or 0) + 1
    record_object(session, "licences", licence, ordinal)
    r = describe("licences", licence, ordinal)
    record_change(
        session, change="licence_applied", record=r.key, doc_type="licences",
        issuer_state=r.state, document=r.document,
    )  # fmt: skip
    return licence
