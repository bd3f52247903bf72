"""Licence applications and decisions, against the quantity ledger, each with its log entry."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from enduse.docs.doctypes import DOC_TYPES
from enduse.domain.errors import DomainError, Problem
from enduse.domain.ledger import LicenceUse, check_application, drawn
from enduse.domain.licence import Licence
from enduse.domain.lifecycle import check_licence_transition
from enduse.registry import models as m
from enduse.workflow.recording import (
    DocumentSigner,
    atomic,
    record_new,
    rewrite,
    signing_bundle,
    validated,
)
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


@atomic
def apply(session: Session, user: User, application: dict[str, Any]) -> Licence:
    """Record a licence application (status `applied`) if its EUC still allows every item."""
    if not isinstance(application, dict):
        raise DomainError([Problem("$", "wrong_type", "expected a JSON object")])
    data = {**application, "status": "applied"}
    for field in ("date_of_decision", "valid_from", "valid_until", "criteria_cited", "signed"):
        if data.get(field):
            raise DomainError(
                [Problem(f"$.{field}", "invalid", "set by the licensing authority's decision")]
            )
    if isinstance(data.get("items"), list):  # items are numbered 1.. unless the applicant did
        data["items"] = [
            {"line": i + 1, **item} if isinstance(item, dict) else item
            for i, item in enumerate(data["items"])
        ]
    licence = validated(Licence, data)
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
    wanted = drawn(licence.items, "euc_line")
    check_application(lines, _uses(session, euc.pk), wanted)
    record_new(session, "licences", licence, "licence_applied")
    return licence


def today() -> date:
    return datetime.now(UTC).date()


@atomic
def decide(
    session: Session,
    user: User,
    licence_number: str,
    status: str,
    *,
    on: date | None = None,
    valid_from: date | None = None,
    valid_until: date | None = None,
    criteria: list[int | str] | None = None,
    sign: DocumentSigner | None = None,
) -> Licence:
    """Move a licence along its lifecycle; issuing it signs it as `LIC1:`.

    The licensing officer must work for the licence's authority. An issued
    licence is valid from the decision (or `valid_from`) until `valid_until`,
    by default the EUC's own expiry, never beyond it.
    """
    row = session.get(m.LicenceRow, licence_number, with_for_update=True)
    if row is None:
        raise DomainError(
            [Problem("$.licence_number", "not_found", f"no licence {licence_number!r}")]
        )
    authorize(user, Action.DECIDE_LICENCE, Subject(authority=row.authority))
    criteria = list(criteria or [])
    check_licence_transition(row.status, status, criteria)
    on = on or today()
    doc = {k: v for k, v in row.document.items() if k != "signed"}
    prev = row.status
    doc["status"] = status
    if criteria:
        doc["criteria_cited"] = criteria
    newly_issued = status == "issued" and prev != "suspended"
    if status in ("issued", "refused") and prev != "suspended":
        doc["date_of_decision"] = on.isoformat()
    if newly_issued:
        euc = session.get(m.EucRow, row.euc_pk)
        assert euc is not None  # a foreign key
        start = valid_from or on
        until = valid_until or euc.valid_until
        if until is None:
            raise DomainError(
                [Problem("$.valid_until", "missing", "the EUC has no expiry: give the licence one")]
            )
        if until < start:
            raise DomainError([Problem("$.valid_until", "invalid", f"{until} is before {start}")])
        if euc.valid_until is not None and until > euc.valid_until:
            raise DomainError(
                [Problem("$.valid_until", "invalid",
                         f"the EUC is valid until {euc.valid_until}: a licence cannot outlive it")]
            )  # fmt: skip
        doc["valid_from"], doc["valid_until"] = start.isoformat(), until.isoformat()
    licence = validated(Licence, doc)
    if newly_issued:
        if sign is None:
            raise DomainError(
                [Problem("$.signed", "missing", "issuing a licence signs it: no signer given")]
            )
        bundle = signing_bundle(session, licence.authority, licence.party_ids())
        licence = licence.model_copy(update={"signed": sign(bundle, DOC_TYPES["LIC"], licence)})
    elif row.signed:  # a suspension or revocation leaves the signed licence as it was signed
        licence = licence.model_copy(update={"signed": row.signed})
    row.status, row.valid_from, row.valid_until = status, licence.valid_from, licence.valid_until
    row.signed = licence.signed
    rewrite(session, "licences", row, licence, f"licence_{status}", prev, row.exporting_state)
    return licence


@atomic
def expire_due(session: Session, user: User, on: date | None = None) -> list[str]:
    """Expire every issued or suspended licence of the officer's authority past its validity.

    Run daily (or before a report): an expired licence stops reserving what was not shipped.
    """
    authorize(user, Action.DECIDE_LICENCE, Subject(authority=user.authority))
    on = on or today()
    due = session.scalars(
        select(m.LicenceRow.licence_number)
        .where(
            m.LicenceRow.authority == user.authority,
            m.LicenceRow.status.in_(("issued", "suspended")),
            m.LicenceRow.valid_until < on,
        )
        .order_by(m.LicenceRow.ordinal)
    ).all()
    for number in due:
        decide(session, user, number, "expired", on=on)
    return list(due)
