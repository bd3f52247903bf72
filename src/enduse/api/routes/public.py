"""Public verification: anyone holding a document may ask whether it is genuine and current."""

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from enduse.api.context import Installation
from enduse.api.online import online_checks
from enduse.docs.doctypes import DOC_TYPES, MAX_PAYLOAD_CHARS
from enduse.docs.verify import verify


class VerifyRequest(BaseModel):
    payload: str = Field(max_length=MAX_PAYLOAD_CHARS + 16)
    at: datetime | None = None


def verify_payload(inst: Installation, payload: str, at: datetime | None = None) -> dict[str, Any]:
    """Offline verification, then (when valid) what the registry and the log say of it."""
    result = verify(payload, inst.trust(), at=at)
    out = result.as_dict()
    out["online"] = None
    if result.valid and result.document_type in DOC_TYPES:
        with inst.read() as session:
            out["online"] = online_checks(
                session, inst.log_reader(), result.document_type, result.document or {}, payload
            )
    return out


def router(inst: Installation) -> APIRouter:
    api = APIRouter(tags=["public"])

    @api.post("/verify")
    def verify_document(body: VerifyRequest) -> dict[str, Any]:
        """Verify a signed document (`EUC1:`, `LIC1:`, `DVC1:`, `RXC1:`). No login.

        `result` is the reason code (`valid`, `bad_signature`, `expired`, ...); `online` says
        whether this very document is registered, with a C2SP tlog-proof of its log entry
        against the latest checkpoint, and whether it was since revoked or used up.
        """
        return verify_payload(inst, body.payload, body.at)

    return api
