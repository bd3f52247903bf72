"""Builders for tests: the scenario's PKI, and ways to open and re-pack payloads to craft variants."""

from __future__ import annotations

import zlib
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import cbor2

from enduse.docs.base45 import b45encode
from enduse.docs.doctypes import DOC_TYPES, DOCUMENT_CLAIM
from enduse.docs.forgery import altered, open_payload
from enduse.docs.local_pki import LocalPki

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
    pki.issue_signer("RS", "RS-EXPORT", [DOC_TYPES["LIC"]], valid_from=PKI_START)
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


with_claims = altered  # tampering: claims changed, the original signature kept
__all__ = [
    "AT",
    "CZ_EUC",
    "PKI_START",
    "document_of",
    "make_pki",
    "open_payload",
    "rebuild",
    "with_claims",
]
