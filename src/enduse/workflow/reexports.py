"""Re-export and retransfer requests, and the original exporting state's signed decision (`RXC1:`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from enduse.docs.doctypes import DOC_TYPES
from enduse.domain.errors import DomainError, Problem
from enduse.domain.ledger import check_draw, drawn
from enduse.domain.lifecycle import check_reexport_decision
from enduse.domain.reexport import ReexportRequest
from enduse.registry import models as m
from enduse.workflow.licensing import today
from enduse.workflow.recording import (
    DocumentSigner,
    atomic,
    check_references,
    record_new,
    refuse_unverified_signature,
    rewrite,
    signing_bundle,
    validated,
)
from enduse.workflow.roles import Action, Role, Subject, User, authorize
from enduse.workflow.shipping import licensed_lines


@atomic
def request_reexport(session: Session, user: User, data: Any) -> ReexportRequest:
    """Record a request by the licence holder or the importing state's authority (undecided)."""
    refuse_unverified_signature(data)
    request = validated(ReexportRequest, data)
    if request.decision is not None and request.decision.outcome != "pending":
        raise DomainError(
            [Problem("$.decision", "invalid", "a request is decided by the exporting state")]
        )
    licence = session.get(m.LicenceRow, request.original_licence)
    if licence is None:
        raise DomainError(
            [Problem("$.original_licence", "dangling_reference",
                     f"no licence {request.original_licence!r} in the registry")]
        )  # fmt: skip
    euc = session.get(m.EucRow, licence.euc_pk)
    assert euc is not None
    # an exporter asks for its own licence's goods; an issuing authority for its state's imports
    authorize(
        user, Action.REQUEST_REEXPORT, Subject(party=licence.applicant, state=euc.issuing_state)
    )
    if user.role is Role.EXPORTER and request.requesting_party != licence.applicant:
        raise DomainError(
            [Problem("$.requesting_party", "invalid",
                     f"{user.name} requests for {licence.applicant}, the licence holder")]
        )  # fmt: skip
    if session.get(m.ReexportRequestRow, request.request_id) is not None:
        raise DomainError(
            [Problem("$.request_id", "duplicate", f"request {request.request_id} exists")]
        )
    check_references(session, "reexport_requests", request)
    original = request.original_euc
    if original is not None and (original.issuing_authority, original.euc_number) != (
        euc.issuing_authority, euc.euc_number,
    ):  # fmt: skip
        raise DomainError(
            [Problem("$.original_euc", "invalid",
                     f"licence {licence.licence_number} is for EUC {euc.issuing_authority}:{euc.euc_number}")]
        )  # fmt: skip
    wanted = drawn(request.items, "licence_line")
    check_draw(
        licensed_lines(session, licence.licence_number), {}, wanted,
        line_field="licence_line", what=f"licence {licence.licence_number}",
    )  # fmt: skip
    record_new(session, "reexport_requests", request, "reexport_requested")
    return request


@atomic
def decide_reexport(
    session: Session,
    user: User,
    request_id: str,
    outcome: str,
    *,
    on: date | None = None,
    conditions: str | list[str] | None = None,
    criteria: list[int | str] | None = None,
    sign: DocumentSigner,
) -> ReexportRequest:
    """The original licensing authority's decision, signed as `RXC1:` by that authority."""
    row = session.get(m.ReexportRequestRow, request_id, with_for_update=True)
    if row is None:
        raise DomainError([Problem("$.request_id", "not_found", f"no request {request_id!r}")])
    licence = session.get(m.LicenceRow, row.original_licence)
    assert licence is not None
    authorize(user, Action.DECIDE_REEXPORT, Subject(authority=licence.authority))
    criteria = list(criteria or [])
    check_reexport_decision(row.outcome, outcome, criteria, conditions)
    decision: dict[str, Any] = {
        "outcome": outcome, "date": (on or today()).isoformat(), "by": licence.authority,
    }  # fmt: skip
    if conditions:
        decision["conditions"] = conditions
    if criteria:
        decision["criteria_cited"] = criteria
    doc = {k: v for k, v in row.document.items() if k != "signed"}
    request = validated(ReexportRequest, {**doc, "decision": decision})
    bundle = signing_bundle(session, licence.authority, request.party_ids())
    request = request.model_copy(update={"signed": sign(bundle, DOC_TYPES["RXC"], request)})
    prev = row.outcome
    row.outcome = outcome
    rewrite(
        session, "reexport_requests", row, request, f"reexport_{outcome}", prev,
        licence.exporting_state,
    )  # fmt: skip
    return request
