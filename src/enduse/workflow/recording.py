"""What every workflow operation shares: validate, check references, record, log.

Each operation runs inside the caller's transaction; anything it raises leaves
the registry as it was (the caller rolls back), and whatever it records is
logged in the same unit of work.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from pydantic import ValidationError
from sqlalchemy.orm import Session

from enduse.docs.compact import extract_parties
from enduse.docs.doctypes import DOC_TYPES, DocType, get_path
from enduse.docs.reasons import Verification
from enduse.domain.bundle import FORMAT, Bundle, dangling
from enduse.domain.errors import DomainError, Problem, problems_from_pydantic
from enduse.domain.party import Authority, Party
from enduse.domain.types import Record
from enduse.registry import models as m
from enduse.registry.bundle_io import (
    COLLECTIONS,
    insert_records,
    known_in,
    lock_recording,
    next_ordinal,
    record_key,
)
from enduse.workflow.logbook import record_change

R = TypeVar("R", bound=Record)
P = ParamSpec("P")
T = TypeVar("T")


def atomic(operation: Callable[Concatenate[Session, P], T]) -> Callable[Concatenate[Session, P], T]:
    """Every workflow operation: all of it or nothing, and one writer at a time.

    A savepoint makes a refused operation leave nothing behind even if the caller
    commits anyway; the recording lock, taken first, orders every writer the same
    way (then row locks), so two operations can never deadlock on PostgreSQL and a
    duplicate number is found by the check, not by a constraint violation.
    """

    @functools.wraps(operation)
    def run(session: Session, *args: P.args, **kwargs: P.kwargs) -> T:
        lock_recording(session)
        with session.begin_nested():
            return operation(session, *args, **kwargs)

    return run


# Signs a record of a small bundle (the record's authority and parties) as one document type.
DocumentSigner = Callable[[Bundle, DocType, Record], str]
ROWS = dict(COLLECTIONS)


def validated(model: type[R], data: Any) -> R:
    if not isinstance(data, dict):
        raise DomainError([Problem("$", "wrong_type", "expected a JSON object")])
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise DomainError(problems_from_pydantic(e, data=data)) from None


def check_references(session: Session, collection: str, record: Record) -> None:
    """Every id the record names must be in the registry (paths relative to the record)."""
    bundle = Bundle.model_validate({"format": FORMAT, collection: [record]})
    prefix = f"$.{collection}[0]"
    problems = [
        Problem("$" + p.path.removeprefix(prefix), p.reason, p.message.replace(" in the bundle", " in the registry"))
        for p in dangling(bundle, known_in(session))
    ]  # fmt: skip
    if problems:
        raise DomainError(problems)


def record_new(session: Session, collection: str, record: Record, change: str) -> None:
    """Insert a new record and queue the log entry of its registration."""
    lock_recording(session)
    (r,) = insert_records(session, collection, [record], next_ordinal(session, ROWS[collection]))
    record_change(
        session, change=change, record=r.key, doc_type=collection, issuer_state=r.state,
        document=r.document, signed=r.signed,
    )  # fmt: skip


def rewrite(
    session: Session,
    collection: str,
    row: m.Recorded,
    record: Record,
    change: str,
    prev_status: str | None,
    state: str | None,
) -> None:
    """Replace a record's document (a decision changed it) and log what it now commits to."""
    row.document = record.to_json()
    record_change(
        session, change=change, record=record_key(collection, row, row.ordinal),
        doc_type=collection, issuer_state=state, document=row.document,
        signed=getattr(record, "signed", None), prev_status=prev_status,
    )  # fmt: skip
    session.flush()


def signing_bundle(session: Session, authority_id: str, party_ids: list[str]) -> Bundle:
    """The authority and parties a signed document embeds, from the registry."""
    authorities = [r.document for r in [session.get(m.AuthorityRow, authority_id)] if r]
    parties = [r.document for p in dict.fromkeys(party_ids) if (r := session.get(m.PartyRow, p))]
    return Bundle.model_validate({"format": FORMAT, "authorities": authorities, "parties": parties})


def refused_payload(verification: Verification) -> DomainError:
    message = verification.details.get("message") or f"the payload is {verification.result.value}"
    return DomainError([Problem("$.signed", verification.result.value, str(message))])


def refuse_unverified_signature(data: Any) -> None:
    """A `signed` field is only ever set from a payload that was verified here."""
    if isinstance(data, dict) and data.get("signed") is not None:
        raise DomainError(
            [Problem("$.signed", "invalid", "a signed payload is registered as such (--payload)")]
        )


def accept_signed(session: Session, code: str, verification: Verification, payload: str) -> dict:
    """The record a verified payload carries (party ids again, `signed` kept), after recording
    the parties and the signing authority it brings that the registry does not hold yet.

    The signer must be the authority the document names, of the state the registry (or
    the signer's certificate) places it in: a signer of one state cannot speak for another's
    authority. Callers run inside `atomic`: a later refusal undoes what was recorded here.
    """
    if not verification.valid:
        raise refused_payload(verification)
    doc_type = DOC_TYPES[code]
    if verification.document_type != code:
        raise DomainError(
            [Problem("$.signed", "wrong_type", f"expected a {doc_type.title}, got {verification.document_type}")]
        )  # fmt: skip
    document, parties = extract_parties(doc_type, dict(verification.document or {}))
    signer = verification.signer or {}
    authority_id, state = signer.get("authority"), signer.get("state")
    named = get_path(document, doc_type.authority_field)
    if not authority_id or authority_id != named:
        raise DomainError(
            [Problem("$.signed", "bad_signer",
                     f"signed by a signer of {authority_id or 'no authority'}, not of {named}")]
        )  # fmt: skip
    known = session.get(m.AuthorityRow, authority_id)
    if known is not None and known.state != state:
        raise DomainError(
            [Problem("$.signed", "bad_signer",
                     f"{authority_id} is an authority of {known.state}; the signer is of {state}")]
        )  # fmt: skip
    for data in parties:  # a party the registry already holds keeps the registry's record
        party = validated(Party, data)
        if session.get(m.PartyRow, party.id) is None:
            record_new(session, "parties", party, "recorded")
    if known is None:
        function = {"EUC": "euc_issuing", "DVC": "dvc_issuing", "LIC": "export_licensing",
                    "RXC": "reexport_consent"}[code]  # fmt: skip
        authority = validated(
            Authority, {"id": authority_id, "state": state, "functions": [function]}
        )
        record_new(session, "authorities", authority, "recorded")
    return {**document, "signed": payload.strip("\r\n\t")}
