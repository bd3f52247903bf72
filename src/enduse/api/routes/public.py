"""Public verification: anyone holding a document may ask whether it is genuine and current."""

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, field_validator

from enduse.api.context import Installation
from enduse.docs.doctypes import DOC_TYPES, MAX_PAYLOAD_CHARS


class VerifyRequest(BaseModel):
    payload: str = Field(max_length=MAX_PAYLOAD_CHARS + 16)
    at: datetime | None = None  # without a time zone: UTC

    @field_validator("at")
    @classmethod
    def _utc_unless_said(cls, value: datetime | None) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def verify_payload(inst: Installation, payload: str, at: datetime | None = None) -> dict[str, Any]:
    """Offline verification, then (when valid) what the registry and the log say of it."""
    result = inst.opened.verify(payload, inst.trust(), at)
    out = result.as_dict()
    out["online"] = None
    if result.valid and result.document_type in DOC_TYPES:
        with inst.read_engine.connect() as db:
            out["online"] = inst.online.answer(
                db, inst.log_reader(), result.document_type, result.document or {}, payload
            )
    return out


def router(inst: Installation) -> APIRouter:
    api = APIRouter(tags=["public"])

    @api.post("/verify", response_model=None)
    async def verify_document(body: VerifyRequest) -> JSONResponse:
        """Verify a signed document (`EUC1:`, `LIC1:`, `DVC1:`, `RXC1:`). No login.

        `result` is the reason code (`valid`, `bad_signature`, `expired`, ...); `online` says
        whether this very document is registered, with a C2SP tlog-proof of its log entry
        against the latest checkpoint, and whether it was since revoked or used up.
        """
        # On the event loop, not a worker thread: a verification is a fraction of a
        # millisecond of CPU and two or three indexed lookups, less than the thread hand-off.
        # The result is already JSON-safe (Verification.as_dict), so it is sent as it is.
        return JSONResponse(verify_payload(inst, body.payload, body.at))

    return api
