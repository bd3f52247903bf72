"""Builders for tests: the scenario's PKI, and ways to open and re-pack payloads to craft variants."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import cbor2

from enduse.docs.base45 import b45decode, b45encode
from enduse.docs.cose import decode_sign1
from enduse.docs.doctypes import DOC_TYPES, DOCUMENT_CLAIM
from enduse.docs.local_pki import LocalPki
from enduse.docs.verify import inflate

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


def open_payload(payload: str) -> tuple[str, Any, dict[Any, Any]]:
    """(prefix, COSE message, claims) of a payload: the raw material for crafting variants."""
    msg = decode_sign1(inflate(b45decode(payload[5:])))
    return payload[:5], msg, cbor2.loads(msg.payload)


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


Mutator = Callable[[dict[Any, Any]], None]


def with_claims(payload: str, mutate: Mutator) -> str:
    """The payload with its claims changed but the original signature kept (tampering)."""
    prefix, msg, claims = open_payload(payload)
    mutate(claims)
    return rebuild(prefix, msg.protected, msg.unprotected, cbor2.dumps(claims), msg.signature)


def document_of(payload: str) -> dict[str, Any]:
    return open_payload(payload)[2][DOCUMENT_CLAIM]
