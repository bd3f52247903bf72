"""Builders for tests: the scenario's PKI, and ways to open and re-pack payloads to craft variants."""

from __future__ import annotations

import json
import zlib
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import cbor2
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from enduse.docs.base45 import b45encode
from enduse.docs.doctypes import DOC_TYPES, DOCUMENT_CLAIM
from enduse.docs.forgery import altered, open_payload
from enduse.docs.local_pki import LocalPki
from enduse.registry import models as m
from enduse.registry.bundle_io import export_bundle
from enduse.scenarios import scenario_text

PKI_START = date(2025, 1, 1)
AT = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)  # inside the scenario EUCs' validity
CZ_EUC = "CZ-MOD-2025-0042"


def make_pki(home: Path) -> LocalPki:
    pki = LocalPki(home)
    for state in ("RS", "CZ", "BG"):
        pki.init_state(state, valid_from=PKI_START)
    pki.issue_signer("CZ", "CZ-MOD", [DOC_TYPES["EUC"]], valid_from=PKI_START)
    pki.issue_signer("BG", "BG-MOD", [DOC_TYPES["EUC"]], valid_from=PKI_START)
    pki.issue_signer("CZ", "CZ-CUSTOMS", [DOC_TYPES["DVC"]], valid_from=PKI_START)
    pki.issue_signer("BG", "BG-CUSTOMS", [DOC_TYPES["DVC"]], valid_from=PKI_START)
    pki.issue_signer("RS", "RS-EXPORT", [DOC_TYPES["LIC"], DOC_TYPES["RXC"]], valid_from=PKI_START)
    return pki


def rebuild(
    prefix: str,
    protected: bytes,
    unprotected: dict[Any, Any],
    body: bytes,
    signature: bytes,
    *,
    tag: bool = True,
    compress: bool = True,
) -> str:
    array = [protected, unprotected, body, signature]
    cose = cbor2.dumps(cbor2.CBORTag(18, array) if tag else array)
    return prefix + b45encode(zlib.compress(cose) if compress else cose)


def document_of(payload: str) -> dict[str, Any]:
    return open_payload(payload)[2][DOCUMENT_CLAIM]


def fresh_euc(number: str = "CZ-MOD-2026-0007", quantity: int = 100) -> dict[str, Any]:
    """An EUC of the seed's parties with room left (the seed's own EUCs are fully licensed):
    line 1 `quantity` 152 mm shells, line 2 5000 rounds, valid to the end of 2027."""
    euc = json.loads(scenario_text())["eucs"][0]
    euc.update(euc_number=number, date_of_issue="2026-01-10", valid_until="2027-12-31")
    euc["items"] = [dict(euc["items"][0], quantity=quantity), dict(euc["items"][1], quantity=5000)]
    return euc


def snapshot(session: Session) -> tuple[dict[str, Any], int]:
    """What a refused operation must leave unchanged: every record, and the queued log entries."""
    session.rollback()
    count = session.scalar(select(func.count()).select_from(m.LogEntryRow))
    return export_bundle(session), count or 0


def last_change(session: Session) -> tuple[str, str, str | None]:
    """(record key, change type, previous status) of the newest queued log entry."""
    row = session.scalars(select(m.LogEntryRow).order_by(m.LogEntryRow.seq.desc())).first()
    assert row is not None
    entry = cbor2.loads(row.entry)
    return row.record, entry["type"], entry["prev_status"]


with_claims = altered  # tampering: claims changed, the original signature kept
__all__ = [
    "AT",
    "CZ_EUC",
    "PKI_START",
    "document_of",
    "fresh_euc",
    "last_change",
    "make_pki",
    "open_payload",
    "rebuild",
    "snapshot",
    "with_claims",
]
