"""The workflow's records: EUCs, licences, shipments, DVCs, re-export requests.

Reading is scoped as the workflow scopes acting: an exporter sees its own licences and what
hangs off them; every other role reads the registry. Writing goes through `workflow/`,
which checks role and authority; the route only appends the change to the log afterwards.
"""

from collections.abc import Callable
from datetime import date as Day
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Query
from pydantic import BaseModel, Field
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from enduse.api.auth import token_caller
from enduse.api.context import Installation
from enduse.api.errors import NotFound
from enduse.docs.signing import signer_of
from enduse.registry import models as m
from enduse.workflow.deliveries import add_delivery, add_signed_delivery
from enduse.workflow.eucs import register_euc, register_signed_euc
from enduse.workflow.licensing import apply, decide
from enduse.workflow.reexports import decide_reexport, request_reexport
from enduse.workflow.roles import Action, Role, User, authorize
from enduse.workflow.shipping import ship

Limit = Annotated[int, Query(ge=1, le=1000)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
Id = Annotated[str, Query(max_length=120)]


class Decision(BaseModel):
    status: str = Field(max_length=32)
    on: Day | None = Field(default=None, alias="date")
    valid_from: Day | None = None
    valid_until: Day | None = None
    criteria: list[int | str] = Field(default_factory=list, max_length=8)


class ReexportDecision(BaseModel):
    outcome: str = Field(max_length=32)
    on: Day | None = Field(default=None, alias="date")
    conditions: list[str] = Field(default_factory=list, max_length=50)
    criteria: list[int | str] = Field(default_factory=list, max_length=8)


def _own_licences(user: User) -> Select[tuple[str]] | None:
    """The licence numbers an exporter may see; None for roles that read everything."""
    if user.role is Role.EXPORTER:
        return select(m.LicenceRow.licence_number).where(m.LicenceRow.applicant == user.party)
    return None


def router(inst: Installation) -> APIRouter:
    api = APIRouter()
    Caller = token_caller(inst)

    def write(background: BackgroundTasks, operation: Callable[[Session], Any]) -> Any:
        """One workflow operation in its own transaction, then its log entries appended; the
        parties it added are screened after the answer is sent."""
        with inst.sessions() as session, session.begin():
            result = operation(session)
        inst.publish()
        background.add_task(inst.screen)
        return result.to_json()

    def page(user: User, query: Select, limit: int, offset: int) -> list[dict[str, Any]]:
        authorize(user, Action.READ)
        with inst.read() as session:
            return [row.document for row in session.scalars(query.limit(limit).offset(offset))]

    # --- EUCs ---------------------------------------------------------------------------------
    @api.get("/eucs", tags=["eucs"])
    def list_eucs(user: Caller, limit: Limit = 100, offset: Offset = 0) -> list[dict[str, Any]]:
        query = select(m.EucRow).order_by(m.EucRow.ordinal)
        own = _own_licences(user)
        if own is not None:
            held = select(m.LicenceRow.euc_pk).where(m.LicenceRow.licence_number.in_(own))
            query = query.where(m.EucRow.pk.in_(held))
        return page(user, query, limit, offset)

    @api.get("/eucs/{authority}/{number}", tags=["eucs"])
    def get_euc(authority: str, number: str, user: Caller) -> dict[str, Any]:
        authorize(user, Action.READ)
        with inst.read() as session:
            row = session.scalar(
                select(m.EucRow).where(
                    m.EucRow.issuing_authority == authority, m.EucRow.euc_number == number
                )
            )
            own = _own_licences(user)
            if row is not None and own is not None:
                held = select(m.LicenceRow.euc_pk).where(m.LicenceRow.licence_number.in_(own))
                row = row if row.pk in set(session.scalars(held)) else None
            if row is None:
                raise NotFound("$.euc_number", f"no EUC {number!r} of {authority!r}")
            return row.document

    @api.post("/eucs", tags=["eucs"], status_code=201)
    def register_an_euc(
        body: dict[str, Any], user: Caller, background: BackgroundTasks
    ) -> dict[str, Any]:
        """An EUC as a record, or `{"payload": "EUC1:..."}` verified against the trust list first."""
        if set(body) == {"payload"} and isinstance(body["payload"], str):
            payload = body["payload"]
            return write(background, lambda s: register_signed_euc(s, user, payload, inst.trust()))
        return write(background, lambda s: register_euc(s, user, body))

    # --- licences -----------------------------------------------------------------------------
    @api.get("/licences", tags=["licences"])
    def list_licences(
        user: Caller, limit: Limit = 100, offset: Offset = 0, status: Id | None = None
    ) -> list[dict[str, Any]]:
        query = select(m.LicenceRow).order_by(m.LicenceRow.ordinal)
        if user.role is Role.EXPORTER:
            query = query.where(m.LicenceRow.applicant == user.party)
        if status is not None:
            query = query.where(m.LicenceRow.status == status)
        return page(user, query, limit, offset)

    @api.get("/licences/{number}", tags=["licences"])
    def get_licence(number: str, user: Caller) -> dict[str, Any]:
        authorize(user, Action.READ)
        with inst.read() as session:
            row = session.get(m.LicenceRow, number)
            if row is None or (user.role is Role.EXPORTER and row.applicant != user.party):
                raise NotFound("$.licence_number", f"no licence {number!r}")
            return {**row.document, "status": row.status}

    @api.post("/licences", tags=["licences"], status_code=201)
    def apply_for_licence(
        body: dict[str, Any], user: Caller, background: BackgroundTasks
    ) -> dict[str, Any]:
        return write(background, lambda s: apply(s, user, body))

    @api.post("/licences/{number}/decision", tags=["licences"])
    def decide_licence(
        number: str, body: Decision, user: Caller, background: BackgroundTasks
    ) -> dict[str, Any]:
        authorize(
            user, Action.DECIDE_LICENCE
        )  # the role first: a 404 must not tell who may not know

        def operation(session: Session) -> Any:
            if session.get(m.LicenceRow, number) is None:
                raise NotFound("$.licence_number", f"no licence {number!r}")
            return decide(
                session, user, number, body.status, on=body.on, valid_from=body.valid_from,
                valid_until=body.valid_until, criteria=body.criteria, sign=signer_of(inst.pki),
            )  # fmt: skip

        return write(background, operation)

    # --- shipments and DVCs -------------------------------------------------------------------
    @api.get("/shipments", tags=["shipments"])
    def list_shipments(
        user: Caller, licence: Id | None = None, limit: Limit = 100, offset: Offset = 0
    ) -> list[dict[str, Any]]:
        query = select(m.ShipmentRow).order_by(m.ShipmentRow.ordinal)
        if licence is not None:
            query = query.where(m.ShipmentRow.licence_number == licence)
        own = _own_licences(user)
        if own is not None:
            query = query.where(m.ShipmentRow.licence_number.in_(own))
        return page(user, query, limit, offset)

    @api.post("/shipments", tags=["shipments"], status_code=201)
    def record_a_shipment(
        body: dict[str, Any], user: Caller, background: BackgroundTasks
    ) -> dict[str, Any]:
        return write(background, lambda s: ship(s, user, body))

    @api.get("/dvcs", tags=["shipments"])
    def list_dvcs(
        user: Caller, licence: Id | None = None, limit: Limit = 100, offset: Offset = 0
    ) -> list[dict[str, Any]]:
        query = select(m.DeliveryVerificationRow).order_by(m.DeliveryVerificationRow.ordinal)
        if licence is not None:
            query = query.where(m.DeliveryVerificationRow.licence_number == licence)
        own = _own_licences(user)
        if own is not None:
            query = query.where(m.DeliveryVerificationRow.licence_number.in_(own))
        return page(user, query, limit, offset)

    @api.post("/dvcs", tags=["shipments"], status_code=201)
    def register_a_dvc(
        body: dict[str, Any], user: Caller, background: BackgroundTasks
    ) -> dict[str, Any]:
        """A DVC as a record (the issuing customs), or `{"payload": "DVC1:..."}` verified first."""
        if set(body) == {"payload"} and isinstance(body["payload"], str):
            payload = body["payload"]
            return write(background, lambda s: add_signed_delivery(s, user, payload, inst.trust()))
        return write(background, lambda s: add_delivery(s, user, body))

    # --- re-export requests -------------------------------------------------------------------
    @api.get("/reexport-requests", tags=["re-exports"])
    def list_reexport_requests(
        user: Caller, limit: Limit = 100, offset: Offset = 0
    ) -> list[dict[str, Any]]:
        query = select(m.ReexportRequestRow).order_by(m.ReexportRequestRow.ordinal)
        own = _own_licences(user)
        if own is not None:
            query = query.where(m.ReexportRequestRow.original_licence.in_(own))
        return page(user, query, limit, offset)

    @api.post("/reexport-requests", tags=["re-exports"], status_code=201)
    def request_a_reexport(
        body: dict[str, Any], user: Caller, background: BackgroundTasks
    ) -> dict[str, Any]:
        return write(background, lambda s: request_reexport(s, user, body))

    @api.post("/reexport-requests/{request_id}/decision", tags=["re-exports"])
    def decide_a_reexport(
        request_id: str, body: ReexportDecision, user: Caller, background: BackgroundTasks
    ) -> dict[str, Any]:
        authorize(user, Action.DECIDE_REEXPORT)

        def operation(session: Session) -> Any:
            if session.get(m.ReexportRequestRow, request_id) is None:
                raise NotFound("$.request_id", f"no request {request_id!r}")
            return decide_reexport(
                session, user, request_id, body.outcome, on=body.on,
                conditions=body.conditions or None, criteria=body.criteria,
                sign=signer_of(inst.pki),
            )  # fmt: skip

        return write(background, operation)

    return api
