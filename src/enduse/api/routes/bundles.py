"""Bundle import and export over HTTP: the same atomic, validated import as `enduse import`."""

import json
from typing import Any

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from enduse.api.auth import token_caller
from enduse.api.context import Installation
from enduse.api.errors import TooLarge
from enduse.domain.bundle import MAX_BUNDLE_BYTES, bundle_json
from enduse.registry.bundle_io import export_bundle
from enduse.workflow.imports import record_bundle
from enduse.workflow.roles import Action, authorize


async def capped_body(request: Request, limit: int) -> bytes:
    """The request body, refused once it passes `limit` bytes (before holding more)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"a bundle has at most {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"a bundle has at most {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def router(inst: Installation) -> APIRouter:
    api = APIRouter(tags=["bundles"])
    Caller = token_caller(inst)

    @api.post("/bundles", status_code=201)
    async def import_a_bundle(
        request: Request, user: Caller, background: BackgroundTasks
    ) -> dict[str, Any]:
        """Record an `enduse.bundle/1` (the request body): all of it, or, with every problem
        named by its JSON path, nothing. Administrators only."""
        authorize(user, Action.IMPORT)
        data = bundle_json(await capped_body(request, MAX_BUNDLE_BYTES))

        def record() -> Any:
            with inst.sessions() as session, session.begin():
                return record_bundle(session, data, by=user)

        result = await run_in_threadpool(record)
        await run_in_threadpool(inst.publish)
        background.add_task(inst.screen)
        return {"imported": result.counts, "warnings": list(result.warnings)}

    @api.get("/bundle", response_class=Response)
    def export_the_registry(user: Caller) -> Response:
        """The whole registry as one bundle, each object as recorded. Auditors and administrators."""
        authorize(user, Action.AUDIT)
        with inst.read() as session:
            body = json.dumps(export_bundle(session), ensure_ascii=False)
        return Response(body, media_type="application/json")

    return api
