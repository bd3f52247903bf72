"""The forgeries a verifier must refuse, made on purpose: for the demo, training and tests.

`altered` keeps a genuine signature over changed content (the classic edited
EUC); `look_alike` signs with a PKI that copies a real state's names but is
in no trust list (the bought-blank EUC).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import cbor2
from cryptography.hazmat.primitives.asymmetric import ed25519

from enduse.docs.base45 import b45decode, b45encode
from enduse.docs.compact import claims_for, embed_parties, encode_payload
from enduse.docs.cose import decode_sign1
from enduse.docs.doctypes import DocType
from enduse.docs.pki import create_csca, issue_dsc, kid_of
from enduse.docs.verify import inflate
from enduse.domain.bundle import Bundle
from enduse.domain.types import Record


def open_payload(payload: str) -> tuple[str, Any, dict[Any, Any]]:
    """(prefix, COSE message, claims) of a well-formed payload."""
    prefix, body = payload.split(":", 1)
    msg = decode_sign1(inflate(b45decode(body)))
    return prefix + ":", msg, cbor2.loads(msg.payload)


def repack(prefix: str, msg: Any, body: bytes, *, tag: bool = True, compress: bool = True) -> str:
    """A payload with `body` as its claims and `msg`'s headers and signature, unchanged."""
    array = [msg.protected, msg.unprotected, body, msg.signature]
    cose = cbor2.dumps(cbor2.CBORTag(18, array) if tag else array)
    return prefix + b45encode(zlib.compress(cose) if compress else cose)


def altered(payload: str, change: Callable[[dict[Any, Any]], None]) -> str:
    """The payload with its claims changed by `change`, the original signature kept."""
    prefix, msg, claims = open_payload(payload)
    change(claims)
    return repack(prefix, msg, cbor2.dumps(claims))


def look_alike(
    doc_type: DocType, record: Record, bundle: Bundle, state: str, authority: str
) -> str:
    """The document signed by a fresh CSCA and signer bearing the real state's and authority's names."""
    ca_key, key = ed25519.Ed25519PrivateKey.generate(), ed25519.Ed25519PrivateKey.generate()
    start, end = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
    ca = create_csca(state, ca_key, start, end)
    dsc = issue_dsc(ca, ca_key, authority, [doc_type], key.public_key(), start, end)
    body = embed_parties(doc_type, record.to_json(), {p.id: p for p in bundle.parties})
    return encode_payload(doc_type, claims_for(doc_type, body, state), key, kid_of(dsc))
