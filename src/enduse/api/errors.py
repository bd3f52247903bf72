"""Every error as JSON: `{"error": {"reason", "message", "path", "problems"}}`, never a traceback."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from enduse.domain.errors import DomainError, json_path
from enduse.workflow.roles import PermissionDenied
from enduse.workflow.users import UserError

log = logging.getLogger("enduse.api")


class NotFound(LookupError):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path


class TooLarge(ValueError):
    """A request body over its route's limit (413, as the body-limit middleware answers)."""


class Conflict(ValueError):
    """A request that is well formed but cannot apply to the current state (e.g. no log yet)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def error_response(
    status: int, reason: str, message: str, path: str | None = None, problems: list | None = None
) -> JSONResponse:
    body: dict[str, Any] = {"reason": reason, "message": message}
    if path is not None:
        body["path"] = path
    if problems is not None:
        body["problems"] = problems
    return JSONResponse({"error": body}, status_code=status)


def validation_problems(e: RequestValidationError) -> list[dict[str, str]]:
    return [
        {"path": json_path([p for p in err["loc"] if p not in ("body", "query", "path")]),
         "reason": err["type"], "message": err["msg"]}
        for err in e.errors()
    ]  # fmt: skip


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(_: Request, e: DomainError) -> JSONResponse:
        first = e.first
        return error_response(
            422, first.reason, first.message, first.path, [p.as_dict() for p in e.problems]
        )

    @app.exception_handler(PermissionDenied)
    async def denied(_: Request, e: PermissionDenied) -> JSONResponse:
        if e.reason in ("unauthenticated", "unknown"):
            return error_response(401, "unauthenticated", str(e))
        return error_response(403, f"forbidden_{e.reason}", str(e))

    @app.exception_handler(NotFound)
    async def not_found(_: Request, e: NotFound) -> JSONResponse:
        return error_response(404, "not_found", str(e), e.path)

    @app.exception_handler(TooLarge)
    async def too_large(_: Request, e: TooLarge) -> JSONResponse:
        return error_response(413, "too_large", str(e), "$")

    @app.exception_handler(Conflict)
    async def conflict(_: Request, e: Conflict) -> JSONResponse:
        return error_response(409, e.reason, str(e))

    @app.exception_handler(UserError)
    async def user_error(_: Request, e: UserError) -> JSONResponse:
        return error_response(422, "invalid_user", str(e))

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, e: RequestValidationError) -> JSONResponse:
        problems = validation_problems(e)
        first = (
            problems[0]
            if problems
            else {"path": "$", "reason": "invalid", "message": "invalid request"}
        )
        return error_response(422, first["reason"], first["message"], first["path"], problems)  # fmt: skip

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, e: HTTPException) -> JSONResponse:
        reason = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(
            e.status_code, "http_error"
        )
        return error_response(e.status_code, reason, str(e.detail))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, e: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", "internal error; the request changed nothing")
