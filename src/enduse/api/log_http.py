"""This installation's transparency log over HTTP, read-only, as C2SP tlog-tiles; and its witness.

``log_router`` serves ``/log/checkpoint``, ``/log/tile/<L>/<N>[.p/<W>]`` and
``/log/tile/entries/<N>[.p/<W>]`` from a TileStorage, so any tlog-tiles client (Go's
sumdb/tlog, Tessera's client, our own ``TileLog.open``) can fetch proofs with the URL prefix
``https://<host>/log``. Nothing here writes storage: only GET and HEAD exist under ``/log``.

``witness_router`` serves C2SP tlog-witness ``POST /witness/add-checkpoint``. It is not under
``/log``: a witness is a separate party with its own name, key and *submission prefix*, and it
cosigns other logs' checkpoints too, so ``/log/add-checkpoint`` would read as "this log accepts
checkpoints" and put a write endpoint inside a prefix that is otherwise static, cacheable
files. With the prefix ``https://<host>/witness`` it is exactly ``<prefix>/add-checkpoint``, as
the stdlib server (``witness_http``) is with the prefix ``http://<host>``. ``log_router`` includes
it when given a witness, so the app mounts both with one ``include_router``.

(No ``from __future__ import annotations``: FastAPI reads the routes' annotations at runtime.)
"""

import logging

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from enduse.tlog.checkpoint import parse_checkpoint
from enduse.tlog.layout import TILE_HEIGHT, TILE_WIDTH, parse_tile_path
from enduse.tlog.merkle import HASH_SIZE
from enduse.tlog.storage import TileStorage, check_path
from enduse.tlog.witness import MAX_REQUEST_BYTES, Witness

LOG_PREFIX = "/log"
WITNESS_PREFIX = "/witness"

TEXT = "text/plain; charset=utf-8"  # tlog-tiles: the checkpoint's exact Content-Type
BINARY = "application/octet-stream"  # tlog-tiles: tiles and entry bundles
# tlog-tiles: the checkpoint is mutable and "SHOULD prevent caching beyond a few seconds".
CHECKPOINT_CACHE = "no-cache"
# A full tile or bundle never changes once a checkpoint covers it (and none is served before).
FULL_TILE_CACHE = "public, max-age=31536000, immutable"
# A partial tile is short-lived; see _cache_control for why it is not cached for a year too.
PARTIAL_TILE_CACHE = "public, max-age=60"
# Errors and witness answers are never cached: a tile that is 404 now is served once a
# checkpoint covers it, and a cosignature answers one request.
NO_STORE = "no-store"

logger = logging.getLogger(__name__)


def _text(status: int, message: str, content_type: str = TEXT) -> Response:
    return Response(
        message.encode("utf-8"),
        status_code=status,
        headers={"Content-Type": content_type, "Cache-Control": NO_STORE},
    )


def _not_found(message: str = "not found\n") -> Response:
    return _text(404, message)


def _storage_failed(path: str) -> Response:
    """Log the cause for the operator; the client gets a short text, never a traceback."""
    logger.exception("log storage failed reading %s", path)
    return _text(500, "log storage error\n")


def _tree_size(checkpoint: bytes) -> int:
    """The size of our own stored checkpoint (written by our log, so its signature is not
    checked here; a client checks it). The note text ends at the first empty line."""
    return parse_checkpoint(checkpoint.partition(b"\n\n")[0] + b"\n").size


def _covered(level: int, index: int, width: int, size: int) -> bool:
    """Whether a tree of at most ``size`` leaves has this tile (or bundle, at level 0).

    The writer stores tiles before the checkpoint that covers them, and a batch that crashes
    before its checkpoint leaves tiles that are later rewritten with other entries. Serving one
    of those with a year's ``immutable`` would let a shared cache keep wrong bytes for good, so
    only tiles the current checkpoint implies are served: full tiles left of the right edge,
    and partial tiles no wider than the edge's (older partials are left of it).
    """
    full, partial = divmod(size >> (TILE_HEIGHT * level), TILE_WIDTH)
    if width == TILE_WIDTH:
        return index < full
    return index < full or (index == full and width <= partial)


def _cache_control(width: int) -> str:
    """Full tiles: a year and ``immutable`` (tlog-tiles: "caching headers SHOULD be long-lived").

    Partial tiles: one minute. Their bytes are as fixed as a full tile's once a checkpoint of
    their size exists, but they are only fetched while that checkpoint is recent, tlog-tiles
    lets a log delete them once the full tile exists, and the check above proves only that the
    current tree implies *a* partial tile at that index, not that a checkpoint of exactly that
    width was signed: a crashed batch can leave a partial tile of an unsigned size behind the
    edge, which a correct client never asks for but a cache should not keep for a year. A
    minute still lets a CDN absorb every client polling the same checkpoint.
    """
    return FULL_TILE_CACHE if width == TILE_WIDTH else PARTIAL_TILE_CACHE


def log_router(storage: TileStorage | None, witness: Witness | None = None) -> APIRouter:
    """GET/HEAD ``/log/checkpoint`` and ``/log/tile/...`` from ``storage`` (None: no log yet,
    every log route answers 404), and ``POST /witness/add-checkpoint`` if ``witness`` is given.
    """
    router = APIRouter()

    @router.api_route(f"{LOG_PREFIX}/checkpoint", methods=["GET", "HEAD"], include_in_schema=False)
    def checkpoint() -> Response:
        if storage is None:
            return _not_found("no log here\n")
        try:
            data = storage.read("checkpoint")
        except Exception:
            return _storage_failed("checkpoint")
        if data is None:
            return _not_found("no log here\n")
        return Response(data, headers={"Content-Type": TEXT, "Cache-Control": CHECKPOINT_CACHE})

    @router.api_route(
        f"{LOG_PREFIX}/tile/{{rest:path}}", methods=["GET", "HEAD"], include_in_schema=False
    )
    def tile(rest: str) -> Response:
        path = f"tile/{rest}"
        try:  # before any storage read: only canonical tlog-tiles paths get that far
            _, level, index, width = parse_tile_path(path)
            check_path(path)
        except (TypeError, ValueError):
            return _not_found()
        if storage is None:
            return _not_found("no log here\n")
        try:
            stored = storage.read("checkpoint")
            if stored is None:
                return _not_found("no log here\n")
            if not _covered(level, index, width, _tree_size(stored)):
                return _not_found()
            data = storage.read(path)
        except Exception:
            return _storage_failed(path)
        if data is None:
            return _not_found()
        if not path.startswith("tile/entries/") and len(data) != width * HASH_SIZE:
            logger.error("%s holds %d bytes, not %d", path, len(data), width * HASH_SIZE)
            return _text(500, "log storage error\n")  # never cache a damaged tile
        return Response(
            data, headers={"Content-Type": BINARY, "Cache-Control": _cache_control(width)}
        )

    if witness is not None:
        router.include_router(witness_router(witness))
    return router


async def _read_body(request: Request, limit: int) -> bytes | None:
    """The request body, or None as soon as it exceeds ``limit`` bytes (the rest is not read)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


def witness_router(witness: Witness) -> APIRouter:
    """C2SP tlog-witness ``POST /witness/add-checkpoint``, as ``witness_http`` serves it.

    The body is capped at MAX_REQUEST_BYTES while it arrives (413 beyond); the status, body and
    Content-Type are the Witness's own (409 is exactly ``text/x.tlog.size``, with no charset
    added). Any failure of the witness is a 500 naming only the exception's type.
    """
    router = APIRouter()

    @router.post(f"{WITNESS_PREFIX}/add-checkpoint")
    async def add_checkpoint(request: Request) -> Response:
        try:
            body = await _read_body(request, MAX_REQUEST_BYTES)
        except ClientDisconnect:
            return _text(400, "request body incomplete\n")
        if body is None:
            return _text(413, f"at most {MAX_REQUEST_BYTES} bytes\n")
        try:  # file locks and fsync: off the event loop
            response = await run_in_threadpool(witness.add_checkpoint, body)
        except Exception as e:  # a witness must answer, whatever it was sent
            logger.exception("witness add-checkpoint failed")
            return _text(500, f"internal error: {type(e).__name__}\n")
        return Response(
            response.body.encode("utf-8"),
            status_code=response.status,
            headers={"Content-Type": response.content_type, "Cache-Control": NO_STORE},
        )

    return router
