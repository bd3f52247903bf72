"""What the registry and the log know of a verified document: the online half of verification.

Offline verification says the document is authentic; these checks say whether it was
registered (this very document: its hash is in a log entry), with an inclusion proof against
the latest checkpoint, and whether it was since revoked or used up.

On the public hot path (a border post scans, a state's system checks): plain SQL statements,
compiled once, two or three per verification.
"""

from __future__ import annotations

import contextlib
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from enduse.api.routes.log import latest_proof
from enduse.docs.doctypes import DOC_TYPES, document_id
from enduse.domain.ledger import RESERVING, fully_drawn
from enduse.registry import models as m
from enduse.tlog.log import LogError, TileLog
from enduse.workflow.logbook import decode_entry, document_hash

WITHDRAWN = {"revoked", "suspended"}
_log, _eucs, _items = m.LogEntryRow.__table__, m.EucRow.__table__, m.EucItemRow.__table__
_lic, _lic_items = m.LicenceRow.__table__, m.LicenceItemRow.__table__
_ENTRIES = (
    select(_log.c.entry, _log.c.log_index)
    .where(_log.c.record == bindparam("record"))
    .order_by(_log.c.seq)
)
_EUC = select(_eucs.c.pk, _eucs.c.signed).where(
    _eucs.c.issuing_authority == bindparam("authority"), _eucs.c.euc_number == bindparam("number")
)
_LICENCE = select(_lic.c.status, _lic.c.signed).where(_lic.c.licence_number == bindparam("number"))
_DVC = select(m.DeliveryVerificationRow.__table__.c.signed).where(
    m.DeliveryVerificationRow.__table__.c.dvc_number == bindparam("number")
)
_held = (
    select(func.coalesce(func.sum(_lic_items.c.quantity), 0))
    .select_from(_lic_items.join(_lic, _lic.c.licence_number == _lic_items.c.licence_number))
    .where(
        _lic.c.euc_pk == _items.c.euc_pk,
        _lic_items.c.euc_line == _items.c.line,
        _lic.c.status.in_(sorted(RESERVING)),
    )
    .scalar_subquery()
)
_EUC_LINES = select(_items.c.line, _items.c.quantity, _held).where(
    _items.c.euc_pk == bindparam("pk")
)


def online_checks(
    session: Session, log: TileLog | None, doc_type_code: str, document: dict[str, Any],
    payload: str,
) -> dict[str, Any]:  # fmt: skip
    doc_type = DOC_TYPES[doc_type_code]
    record = f"{doc_type.collection}:{document_id(doc_type, document)}"
    digest = document_hash(document, payload.strip("\r\n\t"))  # as the log entry has it
    db = session.connection()
    rows = db.execute(_ENTRIES, {"record": record}).all()
    logged = next(
        (r for r in rows if (decode_entry(r.entry) or {}).get("doc_hash") == digest), None
    )
    out: dict[str, Any] = {
        "registered": bool(rows),  # the registry knows this record
        "record": record,
        "logged": logged is not None,  # ... and logged this very document
        "log_index": logged.log_index if logged is not None else None,
        "inclusion_proof": None,
        "other_document_registered": False,
        "status": None,
        "revoked": None,
        "exhausted": None,
    }
    if logged is not None:
        with contextlib.suppress(LogError):
            out["inclusion_proof"] = latest_proof(log, logged.log_index)
    signed = None
    if doc_type_code == "LIC":
        licence = db.execute(_LICENCE, {"number": document.get("licence_number")}).first()
        if licence is not None:
            signed = licence.signed
            out["status"] = licence.status
            out["revoked"] = licence.status in WITHDRAWN
            out["exhausted"] = licence.status == "exhausted"
    elif doc_type_code == "EUC":
        euc = db.execute(_EUC, {"authority": document.get("issuing_authority"),
                                "number": document.get("euc_number")}).first()  # fmt: skip
        if euc is not None:
            signed = euc.signed
            lines = db.execute(_EUC_LINES, {"pk": euc.pk}).all()
            used_up = fully_drawn(
                {r.line: Decimal(r.quantity) for r in lines},
                {r.line: Decimal(r[2] or 0) for r in lines},
            )
            out["revoked"] = False  # an EUC is withdrawn by its issuer's CSCA revoking the DSC
            out["exhausted"] = used_up
            out["status"] = "exhausted" if used_up else "registered"
    elif doc_type_code == "DVC":
        signed = db.execute(_DVC, {"number": document.get("dvc_number")}).scalar()
    # The registry holds a signed form of this record, and it is another document: two
    # genuine-looking documents with one number (a reissue, or a signing key misused).
    out["other_document_registered"] = (
        logged is None and bool(signed) and document_hash({}, signed) != digest
    )
    return out
