"""Offline verification of a compact signed document: one reason code, never an exception.

Order of work is chosen so hostile input costs little: size caps first, then
the envelope, then the signature over the raw payload bytes, and only a
signed payload is decoded and validated.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from pydantic import ValidationError

from enduse.docs.base45 import Base45Error, b45decode
from enduse.docs.cbor_safe import CborShapeError, safe_loads
from enduse.docs.compact import EXP, IAT, ISS, day_end, day_start
from enduse.docs.content import field, validate_content
from enduse.docs.cose import VERIFYING_ALGS, CoseError, Sign1, decode_sign1, verify_signature
from enduse.docs.doctypes import BY_PREFIX, DOCUMENT_CLAIM, MAX_PAYLOAD_CHARS, DocType, get_path
from enduse.docs.reasons import Failure, Reason, Verification, jsonable
from enduse.docs.trust_list import Signer, TrustStore
from enduse.domain.codes import countries
from enduse.domain.errors import problems_from_pydantic

MAX_INFLATED = 64 * 1024


def verify(
    payload: str,
    trust: TrustStore,
    *,
    at: datetime | None = None,
    prefix: str | None = None,
) -> Verification:
    """Verify `payload` against `trust` at time `at` (default: now).

    `prefix` restricts which document type is accepted; a prefix that is not
    one of enduse's (e.g. `HC1:`) checks only the envelope and returns the
    claims as they are.
    """
    return check_opened(open_payload(payload, trust, prefix=prefix), at)


@dataclass
class Opened:
    """A payload whose envelope, signer and signature were checked: what does not depend on
    the time of verification, so a verifier may keep it (per trust list) and check it again."""

    doc_type: DocType | None
    type_code: str
    signer: Signer
    signer_description: dict[str, Any]
    claims: dict[Any, Any]
    content: Failure | bool | None = None  # the content check's outcome, once made


def open_payload(
    payload: str, trust: TrustStore, *, prefix: str | None = None
) -> Opened | Verification:
    """The time-independent half of verification; a Verification when it already failed."""
    state: dict[str, Any] = {}
    try:
        return _open(payload, trust, prefix, state)
    except Failure as f:
        return _failed(f, state)


def check_opened(opened: Opened | Verification, at: datetime | None = None) -> Verification:
    """The half that depends on the time: the signer's and the document's validity at `at`."""
    if isinstance(opened, Verification):
        return opened
    at = at or datetime.now(UTC)
    state: dict[str, Any] = {"document_type": opened.type_code,
                             "signer": dict(opened.signer_description)}  # fmt: skip
    claims, signer, doc_type = opened.claims, opened.signer, opened.doc_type
    try:
        if doc_type is None:
            state["document"] = jsonable(claims)
            _check_standing(
                signer
            )  # the envelope check still refuses a revoked or unchained signer
            _check_window(claims, at)
            return Verification(
                Reason.VALID, opened.type_code, state["document"], state["signer"], {}
            )
        document = claims[DOCUMENT_CLAIM]
        state["document"] = document  # made JSON-safe when printed (Verification.as_dict)
        _check_signer(signer, doc_type, claims, document, at)
        _check_window(claims, at)
        if opened.content is None:
            try:
                _check_content(doc_type, claims, document)
                opened.content = True
            except Failure as f:
                opened.content = f
        if isinstance(opened.content, Failure):
            raise opened.content
        return Verification(Reason.VALID, doc_type.code, state["document"], state["signer"], {})
    except Failure as f:
        return _failed(f, state)


def _failed(f: Failure, state: dict[str, Any]) -> Verification:
    return Verification(
        f.reason,
        document_type=state.get("document_type"),
        document=state.get("document"),
        signer=state.get("signer"),
        details=dict(f.details),
    )


def _open(payload: str, trust: TrustStore, prefix: str | None, state: dict[str, Any]) -> Opened:
    if not isinstance(payload, str):
        raise Failure(Reason.BAD_PREFIX, "the payload is not text")
    payload = payload.strip("\r\n\t")  # not spaces: a space is a Base45 character
    if len(payload) > MAX_PAYLOAD_CHARS:
        raise Failure(Reason.BAD_BASE45, f"payload longer than {MAX_PAYLOAD_CHARS} characters")
    doc_type, body = _unprefix(payload, prefix)
    type_code = doc_type.code if doc_type else prefix.rstrip(":")  # type: ignore[union-attr]
    state["document_type"] = type_code
    try:
        compressed = b45decode(body)
    except Base45Error as e:
        raise Failure(Reason.BAD_BASE45, str(e)) from None
    cose_bytes = inflate(compressed)
    try:
        msg = decode_sign1(cose_bytes)
    except CoseError as e:
        raise Failure(Reason.BAD_COSE, str(e)) from None
    if msg.alg is None:
        raise Failure(Reason.BAD_COSE, "no algorithm in the protected header")
    if msg.alg not in VERIFYING_ALGS:
        raise Failure(Reason.UNSUPPORTED_ALG, f"algorithm {msg.alg} is not allowed", alg=msg.alg)
    signer = _signer(msg, trust)
    state["signer"] = dict(signer.description)
    if not verify_signature(msg, signer.public_key):
        raise Failure(Reason.BAD_SIGNATURE, "the signature does not verify", kid=signer.kid.hex())
    claims = _claims(msg, generic=doc_type is None)
    return Opened(doc_type, type_code, signer, state["signer"], claims)


def _unprefix(payload: str, prefix: str | None) -> tuple[DocType | None, str]:
    if prefix is not None:
        if not payload.startswith(prefix):
            raise Failure(Reason.BAD_PREFIX, f"expected prefix {prefix!r}", expected=prefix)
        return BY_PREFIX.get(prefix), payload[len(prefix) :]
    for p, doc_type in BY_PREFIX.items():
        if payload.startswith(p):
            return doc_type, payload[len(p) :]
    head = payload.split(":", 1)[0][:8] + ":" if ":" in payload[:9] else payload[:8]
    raise Failure(
        Reason.BAD_PREFIX, f"unknown or missing prefix {head!r}", expected=sorted(BY_PREFIX)
    )


def inflate(data: bytes) -> bytes:
    """zlib with a hard output cap; an uncompressed COSE body is accepted, as HCERT verifiers do."""
    if data[:1] in (b"\xd2", b"\xd8", b"\x84"):
        return data
    d = zlib.decompressobj()
    try:
        out = d.decompress(data, MAX_INFLATED + 1)
    except zlib.error as e:
        raise Failure(Reason.BAD_COMPRESSION, f"not zlib: {e}") from None
    if len(out) > MAX_INFLATED or d.unconsumed_tail:
        raise Failure(Reason.BAD_COMPRESSION, f"inflates past {MAX_INFLATED} bytes")
    if not d.eof:
        raise Failure(Reason.BAD_COMPRESSION, "zlib stream is truncated")
    if d.unused_data:
        raise Failure(Reason.BAD_COMPRESSION, f"{len(d.unused_data)} bytes after the zlib stream")
    return out


def _signer(msg: Sign1, trust: TrustStore) -> Signer:
    kid = msg.kid
    if kid is None:
        raise Failure(Reason.UNKNOWN_SIGNER, "the message names no key id (kid)")
    signer = trust.lookup(kid)
    if signer is None:
        raise Failure(Reason.UNKNOWN_SIGNER, f"no signer with kid {kid.hex()}", kid=kid.hex())
    return signer


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _claims(msg: Sign1, *, generic: bool) -> dict[Any, Any]:
    try:
        claims = safe_loads(msg.payload)
    except CborShapeError as e:
        raise Failure(Reason.BAD_CLAIMS, f"claims are not CBOR: {e}", limit=e.reason) from None
    if not isinstance(claims, dict):
        raise Failure(Reason.BAD_CLAIMS, "claims must be a CBOR map")
    for key in (IAT, EXP):
        if key in claims and not _number(claims[key]):
            raise Failure(Reason.BAD_CLAIMS, f"claim {key} must be a number of seconds")
    if generic:
        return claims
    iss = claims.get(ISS)
    if not isinstance(iss, str) or iss not in countries():
        raise Failure(Reason.BAD_CLAIMS, "iss must be an ISO 3166-1 alpha-2 country code")
    if IAT not in claims:
        raise Failure(Reason.BAD_CLAIMS, "iat is missing")
    if not isinstance(claims.get(DOCUMENT_CLAIM), dict):
        raise Failure(Reason.BAD_CLAIMS, f"claim {DOCUMENT_CLAIM} (the document) is missing")
    return claims


def _check_standing(signer: Signer) -> None:
    if signer.chain_error:
        raise Failure(Reason.SIGNER_NOT_VALID, signer.chain_error)
    if signer.status == "revoked":
        when = signer.revoked_at.isoformat() if signer.revoked_at else None
        raise Failure(Reason.SIGNER_REVOKED, "signer certificate revoked", revoked_at=when)


def _check_signer(
    signer: Signer, doc_type: DocType, claims: dict, document: dict, at: datetime
) -> None:
    if signer.chain_error:
        raise Failure(Reason.SIGNER_NOT_VALID, signer.chain_error)
    if at < signer.not_before:
        raise Failure(
            Reason.SIGNER_NOT_VALID, "signer certificate not yet valid", at=at.isoformat()
        )
    if at > signer.not_after:
        raise Failure(Reason.SIGNER_NOT_VALID, "signer certificate expired", at=at.isoformat())
    if signer.status == "revoked":
        when = signer.revoked_at.isoformat() if signer.revoked_at else None
        raise Failure(Reason.SIGNER_REVOKED, "signer certificate revoked", revoked_at=when)
    if signer.documents is not None and doc_type.code not in signer.documents:
        raise Failure(
            Reason.SIGNER_NOT_AUTHORISED,
            f"signer may sign {sorted(signer.documents)}, not {doc_type.code}",
        )
    if signer.state is not None and signer.state != claims[ISS]:
        raise Failure(
            Reason.SIGNER_NOT_AUTHORISED,
            f"signer belongs to {signer.state}, the document claims issuer state {claims[ISS]}",
        )
    authority = get_path(document, doc_type.authority_field)
    if signer.authority is not None and authority != signer.authority:
        raise Failure(
            Reason.SIGNER_NOT_AUTHORISED,
            f"signer is {signer.authority}; the document names {authority!r} as its authority",
            path=f"document.{doc_type.authority_field}",
        )


def _check_window(claims: dict, at: datetime) -> None:
    now = at.timestamp()
    if IAT in claims and now < claims[IAT]:
        raise Failure(Reason.NOT_YET_VALID, "issued after the verification time", iat=claims[IAT])
    if EXP in claims and now > claims[EXP]:
        raise Failure(Reason.EXPIRED, "expired before the verification time", exp=claims[EXP])


def _check_content(doc_type: DocType, claims: dict, document: dict) -> None:
    try:
        model = validate_content(doc_type.code, document)
    except ValidationError as e:
        problem = problems_from_pydantic(e, root="document", data=document)[0]
        raise Failure(Reason.BAD_CONTENT, str(problem), path=problem.path) from None
    issued = field(model, doc_type.date_field)
    if not isinstance(issued, date) or day_start(issued) != claims[IAT]:
        raise Failure(Reason.BAD_CLAIMS, f"iat differs from document.{doc_type.date_field}")
    expiry = field(model, doc_type.expiry_field) if doc_type.expiry_field else None
    if (day_end(expiry) if isinstance(expiry, date) else None) != claims.get(EXP):
        raise Failure(Reason.BAD_CLAIMS, f"exp differs from document.{doc_type.expiry_field}")
    if doc_type.state_field and document.get(doc_type.state_field) != claims[ISS]:
        raise Failure(Reason.BAD_CLAIMS, f"iss differs from document.{doc_type.state_field}")
