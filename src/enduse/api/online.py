"""What the registry and the log know of a verified document: the online half of verification.

Offline verification says the document is authentic; these checks say whether it was
registered (this very document: its hash is in a log entry), with an inclusion proof against
the latest checkpoint, and whether it was since revoked or used up.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from enduse.docs.doctypes import DOC_TYPES, document_id
from enduse.domain.ledger import RESERVING, fully_drawn
from enduse.registry import models as m
from enduse.tlog.log import LogError, TileLog
from enduse.tlog.proof import TlogProof
from enduse.workflow.logbook import decode_entry, document_hash

WITHDRAWN = {"revoked", "suspended"}


def online_checks(
    session: Session, log: TileLog | None, doc_type_code: str, document: dict[str, Any],
    payload: str,
) -> dict[str, Any]:  # fmt: skip
    doc_type = DOC_TYPES[doc_type_code]
    record = f"{doc_type.collection}:{document_id(doc_type, document)}"
    digest = document_hash(document, payload.strip("\r\n\t"))  # as the log entry has it
    rows = session.scalars(
        select(m.LogEntryRow).where(m.LogEntryRow.record == record).order_by(m.LogEntryRow.seq)
    ).all()
    hashes = [(r, (decode_entry(r.entry) or {}).get("doc_hash")) for r in rows]
    entry = next((r for r, h in hashes if h == digest), None)
    out: dict[str, Any] = {
        "registered": bool(rows),  # the registry knows this record
        "record": record,
        "logged": entry is not None,  # ... and logged this very document
        "log_index": entry.log_index if entry is not None else None,
        "inclusion_proof": None,
        "other_document_registered": entry is None
        and _signed_elsewhere(session, doc_type_code, document, digest),
        "status": None,
        "revoked": None,
        "exhausted": None,
    }
    if entry is not None and entry.log_index is not None and log is not None:
        try:
            if entry.log_index < log.size:
                hashes = tuple(log.inclusion_proof(entry.log_index))
                out["inclusion_proof"] = TlogProof(
                    entry.log_index, hashes, log.checkpoint_text
                ).text()
        except LogError:
            pass
    if doc_type_code == "LIC":
        licence = session.get(m.LicenceRow, document.get("licence_number"))
        if licence is not None:
            out["status"] = licence.status
            out["revoked"] = licence.status in WITHDRAWN
            out["exhausted"] = licence.status == "exhausted"
    elif doc_type_code == "EUC":
        euc = session.scalar(
            select(m.EucRow).where(
                m.EucRow.issuing_authority == document.get("issuing_authority"),
                m.EucRow.euc_number == document.get("euc_number"),
            )
        )
        if euc is not None:
            out["revoked"] = False  # an EUC is withdrawn by its issuer's CSCA revoking the DSC
            out["exhausted"] = _euc_used_up(session, euc.pk)
            out["status"] = "exhausted" if out["exhausted"] else "registered"
    return out


def _signed_elsewhere(session: Session, code: str, document: dict[str, Any], digest: bytes) -> bool:
    """The registry holds a signed form of this record, and it is another document: two
    genuine-looking documents with one number (a reissue, or a signing key misused)."""
    row: Any = None
    if code == "EUC":
        row = session.scalar(
            select(m.EucRow).where(
                m.EucRow.issuing_authority == document.get("issuing_authority"),
                m.EucRow.euc_number == document.get("euc_number"),
            )
        )
    elif code == "LIC":
        row = session.get(m.LicenceRow, document.get("licence_number"))
    elif code == "DVC":
        row = session.get(m.DeliveryVerificationRow, document.get("dvc_number"))
    signed = getattr(row, "signed", None)
    return bool(signed) and document_hash({}, signed) != digest


def _euc_used_up(session: Session, euc_pk: int) -> bool:
    """Every line of the EUC taken by licences that hold quantities."""
    limits = {
        line: Decimal(q)
        for line, q in session.execute(
            select(m.EucItemRow.line, m.EucItemRow.quantity).where(m.EucItemRow.euc_pk == euc_pk)
        )
    }
    used = {
        line: Decimal(q or 0)
        for line, q in session.execute(
            select(m.LicenceItemRow.euc_line, func.sum(m.LicenceItemRow.quantity))
            .join(m.LicenceRow, m.LicenceRow.licence_number == m.LicenceItemRow.licence_number)
            .where(m.LicenceRow.euc_pk == euc_pk, m.LicenceRow.status.in_(RESERVING))
            .group_by(m.LicenceItemRow.euc_line)
        )
    }
    return fully_drawn(limits, used)
