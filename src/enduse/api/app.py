"""The web server of one installation: the API under /api/v1, the UI, and the log under /log.

(No `from __future__ import annotations` in the route modules: FastAPI reads the routes'
annotations at runtime, and the dependency aliases are built per application.)
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from enduse.api.context import Installation
from enduse.api.errors import install_error_handlers
from enduse.api.limits import DEFAULT_LIMIT, BodyLimit
from enduse.api.online import OnlineMemo, OpenedMemo
from enduse.api.routes import analysis, bundles, log, public, records, reports
from enduse.docs.local_pki import LocalPki
from enduse.docs.qr import MAX_FILE_BYTES
from enduse.domain.bundle import MAX_BUNDLE_BYTES
from enduse.tlog.local import LocalLog
from enduse.tlog.witness import Witness

API = "/api/v1"


def create_app(
    sessions: sessionmaker[Session],
    pki: LocalPki,
    readers: sessionmaker[Session] | None = None,
    *,
    log_dir: LocalLog | None = None,
    lists: Path | None = None,
    witness: Witness | None = None,
    secure_cookies: bool = True,
    ui: bool = True,
    memo_size: int = 4096,
) -> FastAPI:
    inst = Installation(sessions, pki, readers, log_dir, lists, witness, secure_cookies)
    inst.online, inst.opened = OnlineMemo(memo_size), OpenedMemo(memo_size)
    return build(inst, ui=ui)


def build(inst: Installation, *, ui: bool = True) -> FastAPI:
    app = FastAPI(
        title="enduse",
        version="1",
        description="End-use control for arms transfers: signed EUCs, licensing, the "
        "quantity ledger, red flags, the transparency log.",
        openapi_url=f"{API}/openapi.json",
        docs_url=f"{API}/docs",
        redoc_url=None,
    )
    app.state.installation = inst
    install_error_handlers(app)
    for module in (public, records, bundles, analysis, reports, log):
        app.include_router(module.router(inst), prefix=API)
    from enduse.api.log_http import log_router, witness_router

    app.include_router(log_router(inst.log.storage if inst.log else None))
    if inst.witness is not None:
        app.include_router(witness_router(inst.witness))
    if ui:
        from enduse.web.pages import mount_ui

        mount_ui(app, inst)
    app.add_middleware(BodyLimit, limit_for=body_limit)
    return app


def body_limit(path: str) -> int:
    """The largest body a route takes: a bundle, a photographed QR code, else 1 MiB."""
    if path == f"{API}/bundles":
        return MAX_BUNDLE_BYTES
    if path == "/verify":
        return MAX_FILE_BYTES + 64 * 1024
    return DEFAULT_LIMIT
