"""The enduse API under /api/v1: authentication by token, roles checked by the workflow below,
errors as JSON naming the reason and the field path.

(No `from __future__ import annotations`: FastAPI reads the routes' annotations at runtime,
and the dependency aliases live inside `create_app`.)
"""

from collections.abc import Iterator
from datetime import UTC, date, datetime
from datetime import date as Day
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from enduse.docs.doctypes import DOC_TYPES, MAX_PAYLOAD_CHARS, document_id
from enduse.docs.local_pki import LocalPki
from enduse.docs.signing import signer_of
from enduse.docs.verify import verify
from enduse.domain.errors import DomainError, Problem, json_path
from enduse.registry import models as m
from enduse.risk.config import load_config
from enduse.risk.engine import evaluate, report
from enduse.risk.facts import load_facts
from enduse.risk.scope import case_subjects
from enduse.risk.trace import trace_licence, trace_mark
from enduse.workflow.deliveries import add_delivery, add_signed_delivery
from enduse.workflow.eucs import register_euc, register_signed_euc
from enduse.workflow.licensing import apply, decide
from enduse.workflow.reexports import decide_reexport, request_reexport
from enduse.workflow.roles import Action, PermissionDenied, Role, User, authorize
from enduse.workflow.shipping import ship
from enduse.workflow.tokens import authenticate

API = "/api/v1"


class NotFound(LookupError):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path


def _error(
    status: int, reason: str, message: str, path: str | None = None, problems: list | None = None
) -> JSONResponse:
    body: dict[str, Any] = {"reason": reason, "message": message}
    if path is not None:
        body["path"] = path
    if problems is not None:
        body["problems"] = problems
    return JSONResponse({"error": body}, status_code=status)


class VerifyRequest(BaseModel):
    payload: str = Field(max_length=MAX_PAYLOAD_CHARS + 16)
    at: datetime | None = None


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


def create_app(
    sessions: sessionmaker[Session], pki: LocalPki, readers: sessionmaker[Session] | None = None
) -> FastAPI:
    app = FastAPI(
        title="enduse",
        version="1",
        openapi_url=f"{API}/openapi.json",
        docs_url=f"{API}/docs",
        redoc_url=None,
    )
    readers = readers or sessions

    @app.exception_handler(DomainError)
    async def domain_error(_: Request, e: DomainError) -> JSONResponse:
        first = e.first
        return _error(
            422, first.reason, first.message, first.path, [p.as_dict() for p in e.problems]
        )

    @app.exception_handler(PermissionDenied)
    async def denied(_: Request, e: PermissionDenied) -> JSONResponse:
        if e.reason in ("unauthenticated", "unknown"):
            return _error(401, "unauthenticated", str(e))
        return _error(403, f"forbidden_{e.reason}", str(e))

    @app.exception_handler(NotFound)
    async def not_found(_: Request, e: NotFound) -> JSONResponse:
        return _error(404, "not_found", str(e), e.path)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, e: RequestValidationError) -> JSONResponse:
        problems = [
            {"path": json_path([p for p in err["loc"] if p != "body"]), "reason": err["type"], "message": err["msg"]}
            for err in e.errors()
        ]  # fmt: skip
        first = (
            problems[0]
            if problems
            else {"path": "$", "reason": "invalid", "message": "invalid request"}
        )
        return _error(422, first["reason"], first["message"], first["path"], problems)

    def reader() -> Iterator[Session]:
        with readers() as session:
            yield session

    def caller(authorization: Annotated[str | None, Header()] = None) -> User:
        if not authorization or not authorization.startswith("Bearer "):
            raise PermissionDenied("unauthenticated", "give Authorization: Bearer <token>")
        with readers() as session:
            return authenticate(session, authorization.removeprefix("Bearer ").strip())

    Caller = Annotated[User, Depends(caller)]
    Reader = Annotated[Session, Depends(reader)]

    @app.post(f"{API}/verify", tags=["public"])
    def verify_document(body: VerifyRequest) -> dict[str, Any]:
        """Verify a signed document offline, then say what the registry knows of it. No login."""
        result = verify(body.payload, pki.store(), at=body.at)
        out = result.as_dict()
        online: dict[str, Any] = {"registered": None, "status": None}
        if result.valid and result.document_type in DOC_TYPES:
            doc_type = DOC_TYPES[result.document_type]
            key = f"{doc_type.collection}:{document_id(doc_type, result.document or {})}"
            with readers() as session:
                row = session.scalars(
                    select(m.LogEntryRow).where(m.LogEntryRow.record == key)
                ).first()
                online["registered"] = row is not None
                online["log_index"] = row.log_index if row is not None else None
                if doc_type.code == "LIC":
                    licence = session.get(
                        m.LicenceRow, (result.document or {}).get("licence_number")
                    )
                    online["status"] = licence.status if licence else None
        out["online"] = online
        return out

    @app.get(f"{API}/licences", tags=["licences"])
    def list_licences(user: Caller, session: Reader) -> list[dict[str, Any]]:
        authorize(user, Action.READ)
        query = select(m.LicenceRow).order_by(m.LicenceRow.ordinal)
        if user.role is Role.EXPORTER:
            query = query.where(m.LicenceRow.applicant == user.party)
        return [row.document for row in session.scalars(query)]

    @app.get(f"{API}/licences/{{number}}", tags=["licences"])
    def get_licence(number: str, user: Caller, session: Reader) -> dict[str, Any]:
        authorize(user, Action.READ)
        row = session.get(m.LicenceRow, number)
        if row is None or (user.role is Role.EXPORTER and row.applicant != user.party):
            raise NotFound("$.licence_number", f"no licence {number!r}")
        return row.document

    @app.post(f"{API}/licences", tags=["licences"], status_code=201)
    def apply_for_licence(body: dict[str, Any], user: Caller) -> dict[str, Any]:
        with sessions() as session, session.begin():
            return apply(session, user, body).to_json()

    @app.post(f"{API}/licences/{{number}}/decision", tags=["licences"])
    def decide_licence(number: str, body: Decision, user: Caller) -> dict[str, Any]:
        with sessions() as session, session.begin():
            if session.get(m.LicenceRow, number) is None:
                raise NotFound("$.licence_number", f"no licence {number!r}")
            licence = decide(
                session, user, number, body.status, on=body.on, valid_from=body.valid_from,
                valid_until=body.valid_until, criteria=body.criteria, sign=signer_of(pki),
            )  # fmt: skip
            return licence.to_json()

    @app.post(f"{API}/eucs", tags=["eucs"], status_code=201)
    def register_an_euc(body: dict[str, Any], user: Caller) -> dict[str, Any]:
        """An EUC as a record, or `{"payload": "EUC1:..."}` verified against the trust list first."""
        with sessions() as session, session.begin():
            if set(body) == {"payload"} and isinstance(body["payload"], str):
                return register_signed_euc(session, user, body["payload"], pki.store()).to_json()
            return register_euc(session, user, body).to_json()

    @app.post(f"{API}/shipments", tags=["shipments"], status_code=201)
    def record_a_shipment(body: dict[str, Any], user: Caller) -> dict[str, Any]:
        with sessions() as session, session.begin():
            return ship(session, user, body).to_json()

    @app.post(f"{API}/dvcs", tags=["shipments"], status_code=201)
    def register_a_dvc(body: dict[str, Any], user: Caller) -> dict[str, Any]:
        """A DVC as a record (the issuing customs), or `{"payload": "DVC1:..."}` verified first."""
        with sessions() as session, session.begin():
            if set(body) == {"payload"} and isinstance(body["payload"], str):
                return add_signed_delivery(session, user, body["payload"], pki.store()).to_json()
            return add_delivery(session, user, body).to_json()

    @app.post(f"{API}/reexport-requests", tags=["re-exports"], status_code=201)
    def request_a_reexport(body: dict[str, Any], user: Caller) -> dict[str, Any]:
        with sessions() as session, session.begin():
            return request_reexport(session, user, body).to_json()

    @app.post(f"{API}/reexport-requests/{{request_id}}/decision", tags=["re-exports"])
    def decide_a_reexport(request_id: str, body: ReexportDecision, user: Caller) -> dict[str, Any]:
        with sessions() as session, session.begin():
            if session.get(m.ReexportRequestRow, request_id) is None:
                raise NotFound("$.request_id", f"no request {request_id!r}")
            return decide_reexport(
                session, user, request_id, body.outcome, on=body.on, conditions=body.conditions or None,
                criteria=body.criteria, sign=signer_of(pki),
            ).to_json()  # fmt: skip

    @app.get(f"{API}/trace", tags=["analysis"])
    def trace(
        user: Caller, session: Reader, licence: str | None = None, lot: str | None = None
    ) -> dict[str, Any]:
        """Where a licence's goods went (`licence`), or where a lot or serial came from (`lot`)."""
        authorize(user, Action.REPORT)
        if (licence is None) == (lot is None):
            raise DomainError([Problem("$.licence", "missing", "give licence or lot, one of them")])
        facts = load_facts(session)
        if licence is not None:
            if licence not in facts.licences:
                raise NotFound("$.licence", f"no licence {licence!r}")
            return trace_licence(facts, licence)
        return trace_mark(facts, lot or "")

    @app.get(f"{API}/risk", tags=["analysis"])
    def risk_report(
        user: Caller, session: Reader, licence: str | None = None, at: date | None = None
    ) -> dict[str, Any]:
        authorize(user, Action.REPORT)
        facts = load_facts(session)
        if licence is not None and licence not in facts.licences:
            raise NotFound("$.licence", f"no licence {licence!r}")
        today = at or datetime.now(UTC).date()
        findings = evaluate(facts.around(licence) if licence else facts, load_config(), today)
        if licence:
            scope = case_subjects(facts, licence)
            findings = [f for f in findings if (f.subject_type, f.subject_id) in scope]
        return report(findings)

    return app
