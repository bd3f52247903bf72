"""Request bodies capped before they are read whole: FastAPI parses a JSON body, and Starlette
spools a multipart upload, completely before any route can look at its size.

A pure ASGI middleware: a declared Content-Length over the limit is refused at once; a body
sent without one (chunked) is counted as it arrives and cut off at the limit.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_LIMIT = 1024 * 1024  # every JSON request of the API fits in far less


class BodyTooLarge(HTTPException):
    """An HTTPException, so that FastAPI's body parsing lets it through as it is (413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is over {limit} bytes")


class BodyLimit:
    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared < 0 or declared > limit:
                    await _refuse(send, limit, _wants_html(scope))
                    return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracking(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, tracking)
        except BodyTooLarge:
            if not started:
                await _refuse(send, limit, _wants_html(scope))


def _wants_html(scope: Scope) -> bool:
    """A browser's form (the /verify page's photo): a page it can show, not JSON."""
    if scope["path"].startswith(("/api/", "/log/", "/witness/")):
        return False
    accept = dict(scope.get("headers", [])).get(b"accept", b"")
    return b"text/html" in accept


async def _refuse(send: Send, limit: int, html: bool = False) -> None:
    message = f"the request body is over {limit} bytes"
    if html:
        mib = limit / (1024 * 1024)
        body = (
            "<!doctype html><html lang=en><meta charset=utf-8><title>Too large</title>"
            f"<h1>Too large</h1><p>The file or form you sent is over {mib:g} MiB. "
            "Send a smaller photo (a QR code reads well at 1,000 pixels across).</p>"
            '<p><a href="/verify">Back to verification</a></p>'
            "<p><small>reason: too_large; field: image</small></p></html>"
        ).encode()
        kind = b"text/html; charset=utf-8"
    else:
        body = json.dumps(
            {"error": {"reason": "too_large", "path": "$", "message": message}}
        ).encode()
        kind = b"application/json"
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})
