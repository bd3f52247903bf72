"""What the registry and the log know of a verified document: the online half of verification.

Offline verification says the document is authentic; these checks say whether it was
registered (this very document: its hash is in a log entry), with an inclusion proof against
the latest checkpoint, and whether it was since revoked or used up.

On the public hot path (a border post scans, a state's system checks): plain SQL statements,
compiled once, two or three per verification.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Connection

from enduse.api.memo import Memo
from enduse.docs.doctypes import DOC_TYPES, document_id
from enduse.docs.reasons import Verification
from enduse.docs.trust_list import TrustStore
from enduse.docs.verify import Opened, check_opened, open_payload
from enduse.domain.ledger import RESERVING, fully_drawn
from enduse.registry import models as m
from enduse.tlog.log import LogError, TileLog
from enduse.tlog.proof import TlogProof
from enduse.workflow.logbook import change_marker, decode_entry, document_hash

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


def latest_proof(log: TileLog | None, index: int | None) -> str | None:
    """A C2SP tlog-proof of entry `index` against the latest checkpoint, once it is covered."""
    if log is None or index is None or index >= log.size:
        return None
    return TlogProof(index, tuple(log.inclusion_proof(index)), log.checkpoint_text).text()


class OnlineMemo:
    """The online answers one worker gave, reused while nothing they rest on has changed.

    An answer rests on the registry, whose version is `change_marker` (two index lookups,
    against four queries and an inclusion proof), and on the checkpoint its proof is
    against. A border post scans the same document at every crossing; a state's system
    re-checks the documents it holds."""

    def __init__(self, capacity: int = 4096) -> None:
        self._answers: Memo[tuple[tuple[int, int], str, dict[str, Any]]] = Memo(capacity)

    def answer(
        self, db: Connection, log: TileLog | None, doc_type_code: str, document: dict[str, Any],
        payload: str,
    ) -> dict[str, Any]:  # fmt: skip
        if self._answers.capacity <= 0:
            return online_checks(db, log, doc_type_code, document, payload)
        version = change_marker(db)
        checkpoint = log.checkpoint_text if log is not None else ""
        key = (doc_type_code, payload.strip("\r\n\t"))
        hit = self._answers.get(key)
        if hit is not None and hit[0] == version and hit[1] == checkpoint:
            return dict(hit[2])
        out = online_checks(db, log, doc_type_code, document, payload)
        if not (out["logged"] and out["inclusion_proof"] is None):
            # An entry still being appended gets its log index written back later, which adds
            # no log entry and no checkpoint: an answer without its proof is not kept.
            self._answers.put(key, (version, checkpoint, dict(out)))
        return out


class OpenedMemo:
    """Payloads already opened (envelope, signer, signature, claims) under one trust list.

    Opening is the costly, time-independent half of verification; the checks that depend on
    the time run on every call. A changed trust list (a signer revoked or added) starts the
    memo afresh."""

    def __init__(self, capacity: int = 4096) -> None:
        self._opened: Memo[Opened | Verification] = Memo(capacity)
        self._trust: TrustStore | None = None

    def verify(self, payload: str, trust: TrustStore, at: datetime | None = None) -> Verification:
        if trust is not self._trust:
            self._opened.clear()
            self._trust = trust
        opened = self._opened.get(payload)
        if opened is None:
            opened = open_payload(payload, trust)
            self._opened.put(payload, opened)
        return check_opened(opened, at)


def online_checks(
    db: Connection, log: TileLog | None, doc_type_code: str, document: dict[str, Any],
    payload: str,
) -> dict[str, Any]:  # fmt: skip
    doc_type = DOC_TYPES[doc_type_code]
    record = f"{doc_type.collection}:{document_id(doc_type, document)}"
    digest = document_hash(document, payload.strip("\r\n\t"))  # as the log entry has it
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
