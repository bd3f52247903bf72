"""The verification reason codes of SIGNED-DOCS.md, and the result a verifier returns."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Reason(StrEnum):
    VALID = "valid"
    BAD_PREFIX = "bad_prefix"
    BAD_BASE45 = "bad_base45"
    BAD_COMPRESSION = "bad_compression"
    BAD_COSE = "bad_cose"
    BAD_CLAIMS = "bad_claims"
    UNSUPPORTED_ALG = "unsupported_alg"
    UNKNOWN_SIGNER = "unknown_signer"
    BAD_SIGNATURE = "bad_signature"
    SIGNER_NOT_VALID = "signer_not_valid"
    SIGNER_REVOKED = "signer_revoked"
    SIGNER_NOT_AUTHORISED = "signer_not_authorised"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    BAD_CONTENT = "bad_content"
    NOT_REGISTERED = "not_registered"
    REVOKED = "revoked"
    EXHAUSTED = "exhausted"


PLAIN_WORDS: dict[Reason, str] = {
    Reason.VALID: "all checks passed",
    Reason.BAD_PREFIX: "unknown or missing prefix",
    Reason.BAD_BASE45: "not valid Base45",
    Reason.BAD_COMPRESSION: "not zlib, or inflates past the size limit",
    Reason.BAD_COSE: "not a well-formed COSE_Sign1 message",
    Reason.BAD_CLAIMS: "CWT claims missing or malformed",
    Reason.UNSUPPORTED_ALG: "signature algorithm not allowed",
    Reason.UNKNOWN_SIGNER: "no document signer with this key id in the trust list",
    Reason.BAD_SIGNATURE: "the signature does not verify: the content was altered or forged",
    Reason.SIGNER_NOT_VALID: "the signer's certificate is expired, not yet valid, or does not chain",
    Reason.SIGNER_REVOKED: "the signer's certificate was revoked",
    Reason.SIGNER_NOT_AUTHORISED: "the signer may not sign this document for this state",
    Reason.NOT_YET_VALID: "the document is not valid yet",
    Reason.EXPIRED: "the document has expired",
    Reason.BAD_CONTENT: "the document's content is invalid",
    Reason.NOT_REGISTERED: "the registry or log has no such document",
    Reason.REVOKED: "the issuing authority revoked the document",
    Reason.EXHAUSTED: "the EUC's quantities are already fully used",
}


@dataclass(slots=True)
class Verification:
    """What a verifier says about one payload: exactly one reason, plus what it learned."""

    result: Reason
    document_type: str | None = None
    document: dict[str, Any] | None = None
    signer: dict[str, Any] | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return self.result is Reason.VALID

    def as_dict(self) -> dict[str, Any]:
        """The result as JSON can carry it, whatever the signed CBOR held."""
        return {
            "result": self.result.value,
            "valid": self.valid,
            "document_type": self.document_type,
            "document": jsonable(self.document),
            "signer": self.signer,
            "details": self.details,
        }


class Failure(Exception):
    """Raised inside a verification step; the verifier turns it into a Verification."""

    def __init__(self, reason: Reason, message: str, **details: Any) -> None:
        super().__init__(message)
        self.reason = reason
        self.details = {"message": message, **details}


def jsonable(value: Any) -> Any:
    """Decoded CBOR as JSON can carry it: keys become strings, bytes hex, NaN/inf text."""
    if isinstance(value, dict):
        return {
            k if isinstance(k, str) else str(jsonable(k)): jsonable(v) for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value
