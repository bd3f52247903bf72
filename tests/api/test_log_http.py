"""The log over HTTP as tlog-tiles (directory and SQLite storage), and the witness endpoint."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from fastapi.testclient import TestClient

from enduse.api.log_http import (
    CHECKPOINT_CACHE,
    FULL_TILE_CACHE,
    PARTIAL_TILE_CACHE,
    log_router,
)
from enduse.docs import note
from enduse.tlog import merkle
from enduse.tlog.entries import decode_bundle
from enduse.tlog.log import TileLog
from enduse.tlog.sql_storage import SqlStorage
from enduse.tlog.storage import DirectoryStorage, StorageError, TileStorage
from enduse.tlog.witness import MAX_REQUEST_BYTES, Witness

ORIGIN = "log.test.example/enduse"
BATCHES = (250, 350)  # size 600: full tiles 0 and 1, partial 2.p/88, level 1 partial 000.p/2
SIZE = sum(BATCHES)


def entries(start: int, count: int) -> list[bytes]:
    return [f"entry {i}".encode() for i in range(start, start + count)]


@dataclass
class Log:
    storage: TileStorage
    log: TileLog
    data: list[bytes]


@pytest.fixture(params=["directory", "sqlite"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TileStorage]:
    if request.param == "directory":
        yield DirectoryStorage(tmp_path / "log")
        return
    sql = SqlStorage(f"sqlite:///{tmp_path / 'log.db'}")
    yield sql
    sql.close()


@pytest.fixture
def tlog(storage: TileStorage) -> Log:
    key, vkey = note.generate_ed25519(ORIGIN)
    log = TileLog.create(storage, note.ed25519_signer(ORIGIN, key), note.parse_vkey(vkey))
    data: list[bytes] = []
    for count in BATCHES:
        log.append(entries(len(data), count))
        data += entries(len(data), count)
    return Log(storage, log, data)


def client_for(storage: TileStorage | None, witness: Witness | None = None) -> TestClient:
    app = FastAPI()
    app.include_router(log_router(storage, witness))
    return TestClient(app)


@pytest.fixture
def client(tlog: Log) -> TestClient:
    return client_for(tlog.storage)


class HttpStorage:
    """A read-only TileStorage over HTTP: all a remote tlog-tiles client has."""

    def __init__(self, client: TestClient, prefix: str = "/log") -> None:
        self.client = client
        self.prefix = prefix
        self.fetched: list[str] = []

    def read(self, path: str) -> bytes | None:
        response = self.client.get(f"{self.prefix}/{path}")
        if response.status_code == 404:
            return None
        assert response.status_code == 200, (path, response.status_code, response.text)
        self.fetched.append(path)
        return response.content

    def write(self, files: Mapping[str, bytes]) -> None:
        raise AssertionError("a reader never writes")

    def write_checkpoint(self, data: bytes) -> None:
        raise AssertionError("a reader never writes")

    def existing(self, paths: list[str]) -> set[str]:
        raise AssertionError("not needed to read")

    def delete(self, paths: list[str]) -> None:
        raise AssertionError("a reader never deletes")


class Spy:
    """Records every read of the storage it wraps; can fail reads of chosen paths."""

    def __init__(self, inner: TileStorage, fail: Exception | None = None) -> None:
        self.inner = inner
        self.fail = fail
        self.reads: list[str] = []

    def read(self, path: str) -> bytes | None:
        self.reads.append(path)
        if self.fail is not None and path != "checkpoint":
            raise self.fail
        return self.inner.read(path)


def test_checkpoint_is_served_as_stored(tlog: Log, client: TestClient) -> None:
    r = client.get("/log/checkpoint")
    assert r.status_code == 200
    assert r.content == tlog.storage.read("checkpoint") == tlog.log.checkpoint_text.encode()
    assert r.headers["content-type"] == "text/plain; charset=utf-8"
    assert r.headers["cache-control"] == CHECKPOINT_CACHE == "no-cache"


@pytest.mark.parametrize(
    "path", ["tile/0/000", "tile/0/001", "tile/entries/000", "tile/entries/001"]
)
def test_full_tiles_are_served_byte_for_byte_and_immutable(
    tlog: Log, client: TestClient, path: str
) -> None:
    r = client.get(f"/log/{path}")
    assert r.status_code == 200
    assert r.content == tlog.storage.read(path)
    assert r.headers["content-type"] == "application/octet-stream"
    assert r.headers["cache-control"] == FULL_TILE_CACHE
    assert "immutable" in FULL_TILE_CACHE
    if path.startswith("tile/0/"):
        assert len(r.content) == 256 * 32


@pytest.mark.parametrize(
    "path",
    # the partial tiles of size 600, and those of the earlier checkpoint at size 250
    ["tile/0/002.p/88", "tile/1/000.p/2", "tile/entries/002.p/88", "tile/0/000.p/250",
     "tile/entries/000.p/250"],
)  # fmt: skip
def test_partial_tiles_are_served_with_a_short_cache(
    tlog: Log, client: TestClient, path: str
) -> None:
    r = client.get(f"/log/{path}")
    assert r.status_code == 200
    assert r.content == tlog.storage.read(path)
    assert r.headers["content-type"] == "application/octet-stream"
    assert r.headers["cache-control"] == PARTIAL_TILE_CACHE
    assert "immutable" not in PARTIAL_TILE_CACHE


def test_entry_bundles_hold_the_entries(tlog: Log, client: TestClient) -> None:
    full = decode_bundle(client.get("/log/tile/entries/001").content, 256)
    partial = decode_bundle(client.get("/log/tile/entries/002.p/88").content, 88)
    assert full == tlog.data[256:512]
    assert partial == tlog.data[512:]


def test_a_tiles_client_proves_inclusion_and_consistency_over_http(
    tlog: Log, client: TestClient
) -> None:
    remote = HttpStorage(client)
    reader = TileLog.open(remote, tlog.log.verifier)  # verifies the checkpoint's signature
    assert reader.size == SIZE
    root = reader.checkpoint.root
    assert root == merkle.root_from_leaves([merkle.leaf_hash(d) for d in tlog.data])
    for index in (0, 1, 255, 256, 300, 511, 512, SIZE - 1):
        entry = reader.entry(index)
        assert entry == tlog.data[index]
        proof = reader.inclusion_proof(index)
        merkle.verify_inclusion(merkle.leaf_hash(entry), index, SIZE, proof, root)
    old_root = merkle.root_from_leaves([merkle.leaf_hash(d) for d in tlog.data[:250]])
    proof = reader.consistency_proof(250)
    merkle.verify_consistency(250, SIZE, proof, old_root, root)
    assert all(p == "checkpoint" or p.startswith("tile/") for p in remote.fetched)


BAD_PATHS = [
    "/log/tile/../../etc/passwd",
    "/log/tile/%2e%2e/%2e%2e/etc/passwd",
    "/log/tile/0/%2e%2e/%2e%2e/checkpoint",
    "/log/tile/0/000/%2e%2e/001",
    "/log/tile/0/%2e%2e%2f%2e%2e%2fcheckpoint",
    "/log/tile//etc/passwd",
    "/log/tile/%2Fetc%2Fpasswd",
    "/log/tile/0/000%00",
    "/log/tile/0/%00",
    "/log/tile/",
    "/log/tile/0",
    "/log/tile/0/0",  # <N> is three digits
    "/log/tile/0/x000/001",  # non-canonical
    "/log/tile/00/000",
    "/log/tile/64/000",
    "/log/tile/0/000.p/0",
    "/log/tile/0/000.p/256",
    "/log/tile/0/000.p/088",
    "/log/tile/0/000.p/",
    "/log/tile/entries/000.p/",
    "/log/tile/entries/x",
    "/log/tile/0/000/",
    "/log/tile/0/" + "x999/" * 7 + "999",  # beyond uint64
    "/log/tile/0/" + "x001/" * 60 + "001",
    "/log/checkpoints/250",  # the log's own history, not part of tlog-tiles
    "/log/.writer.lock",
    "/log/",
]


@pytest.mark.parametrize("path", BAD_PATHS)
def test_malformed_paths_are_404_without_reading_storage(tlog: Log, path: str) -> None:
    spy = Spy(tlog.storage)
    r = client_for(spy).get(path)  # type: ignore[arg-type]
    assert r.status_code == 404, r.content[:80]
    assert "Traceback" not in r.text
    assert r.headers.get("cache-control", "no-store") == "no-store"
    assert spy.reads == []


async def _raw_get(app: FastAPI, path: str) -> tuple[int, bytes]:
    """GET with the path exactly as given: httpx would resolve "..", a server does not."""
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode("latin-1"), "root_path": "",
        "query_string": b"", "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 1), "server": ("testserver", 80),
    }  # fmt: skip
    await app(scope, receive, send)
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


@pytest.mark.parametrize(
    "path",
    ["/log/tile/../../etc/passwd", "/log/tile/0/../../checkpoint", "/log/tile/0/000/../001",
     "/log/tile/./0/000", "/log/tile/0/000\x00", "/log/tile/\x00/000", "/log/tile//etc/passwd"],
)  # fmt: skip
def test_unnormalised_traversal_is_404(tlog: Log, path: str) -> None:
    spy = Spy(tlog.storage)
    app = FastAPI()
    app.include_router(log_router(spy))  # type: ignore[arg-type]
    status, body = asyncio.run(_raw_get(app, path))
    assert (status, body) == (404, b"not found\n")
    assert spy.reads == []


def test_tiles_beyond_the_checkpoint_are_not_served(tlog: Log, client: TestClient) -> None:
    """What an append in flight (or a crashed one) wrote before its checkpoint stays unseen."""
    tlog.storage.write(
        {
            "tile/0/002": b"\x00" * 8192,
            "tile/0/002.p/89": b"\x00" * 89 * 32,
            "tile/0/003.p/5": b"\x00" * 5 * 32,
            "tile/1/000.p/3": b"\x00" * 3 * 32,
            "tile/2/000.p/1": b"\x00" * 32,
            "tile/entries/002": b"",
        }
    )
    for path in ("0/002", "0/002.p/89", "0/003.p/5", "1/000.p/3", "2/000.p/1", "entries/002"):
        r = client.get(f"/log/tile/{path}")
        assert r.status_code == 404, path
        assert r.headers["cache-control"] == "no-store"
    # implied by the tree, but no checkpoint of that size was ever signed: absent
    assert client.get("/log/tile/0/000.p/17").status_code == 404


def test_a_damaged_tile_is_not_served(tlog: Log, client: TestClient) -> None:
    tlog.storage.write({"tile/0/001": b"\x00" * 100})
    r = client.get("/log/tile/0/001")
    assert r.status_code == 500
    assert "immutable" not in r.headers["cache-control"]


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize("path", ["/log/tile/0/000", "/log/tile/entries/000", "/log/checkpoint"])
def test_nothing_writes_to_the_log(tlog: Log, client: TestClient, method: str, path: str) -> None:
    before = {p: tlog.storage.read(p) for p in ("checkpoint", "tile/0/000", "tile/entries/000")}
    r = client.request(method, path, content=b"\x00" * 8192)
    assert r.status_code == 405
    assert {p: tlog.storage.read(p) for p in before} == before


def test_head_answers_like_get_without_a_body(client: TestClient) -> None:
    for path in ("/log/checkpoint", "/log/tile/0/000", "/log/tile/0/002.p/88"):
        got, head = client.get(path), client.head(path)
        assert head.status_code == 200
        assert head.content == b""
        for header in ("content-type", "content-length", "cache-control"):
            assert head.headers[header] == got.headers[header]


def test_no_log_is_404(tmp_path: Path) -> None:
    for storage in (None, DirectoryStorage(tmp_path / "empty")):
        client = client_for(storage)
        for path in ("/log/checkpoint", "/log/tile/0/000", "/log/tile/entries/000.p/1"):
            r = client.get(path)
            assert r.status_code == 404
            assert r.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    "error", [StorageError("/secret/path/tile/0/000 is too large"), OSError("disk on fire")]
)
def test_storage_errors_are_500_without_details(tlog: Log, error: Exception) -> None:
    client = client_for(Spy(tlog.storage, fail=error))  # type: ignore[arg-type]
    r = client.get("/log/tile/0/000")
    assert r.status_code == 500
    assert r.text == "log storage error\n"
    assert r.headers["cache-control"] == "no-store"


def test_a_corrupt_checkpoint_is_500(tlog: Log) -> None:
    tlog.storage.write_checkpoint(b"not a checkpoint")
    r = client_for(tlog.storage).get("/log/tile/0/000")
    assert (r.status_code, r.text) == (500, "log storage error\n")


# --- the witness -------------------------------------------------------------------------------

WITNESS = "witness.test.example/w1"


def make_witness(tmp_path: Path, log: TileLog) -> tuple[Witness, note.Verifier]:
    key = Ed25519PrivateKey.generate()
    witness = Witness(note.CosignatureSigner(WITNESS, key), [log.verifier], tmp_path / "w.json")
    return witness, note.parse_vkey(note.cosignature_vkey(WITNESS, key.public_key()))


def add_request(log: TileLog, old: int) -> bytes:
    proof = log.consistency_proof(old) if old else []
    lines = [f"old {old}", *(base64.b64encode(h).decode() for h in proof)]
    return ("\n".join(lines) + "\n\n" + log.checkpoint_text).encode()


def test_no_witness_route_without_a_witness(client: TestClient, tlog: Log) -> None:
    body = add_request(tlog.log, 0)
    for path in ("/witness/add-checkpoint", "/log/add-checkpoint", "/add-checkpoint"):
        assert client.post(path, content=body).status_code in (404, 405)


def test_the_witness_cosigns_over_http(tmp_path: Path, tlog: Log) -> None:
    witness, witness_key = make_witness(tmp_path, tlog.log)
    client = client_for(tlog.storage, witness)
    r = client.post("/witness/add-checkpoint", content=add_request(tlog.log, 0))
    assert r.status_code == 200, r.text
    assert r.text.startswith(f"— {WITNESS} ") and r.text.endswith("\n")
    assert r.headers["cache-control"] == "no-store"
    opened = note.open_note(tlog.log.checkpoint_text + r.text, [tlog.log.verifier, witness_key])
    assert {s.name for s in opened.verified} == {ORIGIN, WITNESS}
    assert witness.latest(ORIGIN)[0] == SIZE
    # the log's tiles are still served beside it
    assert client.get("/log/checkpoint").status_code == 200
    assert client.get("/witness/add-checkpoint").status_code == 405
    assert client.post("/log/add-checkpoint", content=b"").status_code in (404, 405)


def test_the_witness_status_codes_over_http(tmp_path: Path, tlog: Log) -> None:
    witness, _ = make_witness(tmp_path, tlog.log)
    client = client_for(tlog.storage, witness)
    assert client.post("/witness/add-checkpoint", content=add_request(tlog.log, 0)).is_success
    tlog.log.append(entries(SIZE, 10))
    stale = client.post("/witness/add-checkpoint", content=add_request(tlog.log, 0))
    assert (stale.status_code, stale.text) == (409, f"{SIZE}\n")
    assert stale.headers["content-type"] == "text/x.tlog.size"  # exactly: no charset added
    grown = client.post("/witness/add-checkpoint", content=add_request(tlog.log, SIZE))
    assert grown.status_code == 200
    for garbage in (b"", b"hello", b"\xff\xfe", b"old 01\n\n" + tlog.log.checkpoint_text.encode()):
        r = client.post("/witness/add-checkpoint", content=garbage)
        assert r.status_code == 400, garbage
        assert r.headers["content-type"] == "text/plain; charset=utf-8"


def test_the_witness_caps_the_body(tmp_path: Path, tlog: Log) -> None:
    witness, _ = make_witness(tmp_path, tlog.log)
    calls: list[int] = []
    original = witness.add_checkpoint

    def counting(body: bytes):  # type: ignore[no-untyped-def]
        calls.append(len(body))
        return original(body)

    witness.add_checkpoint = counting  # type: ignore[method-assign]
    client = client_for(tlog.storage, witness)
    r = client.post("/witness/add-checkpoint", content=b"x" * (MAX_REQUEST_BYTES + 1))
    assert r.status_code == 413
    chunks = (b"y" * 4096 for _ in range(MAX_REQUEST_BYTES // 4096 + 2))  # chunked: no length
    assert client.post("/witness/add-checkpoint", content=chunks).status_code == 413
    assert calls == []
    at_cap = client.post("/witness/add-checkpoint", content=b"x" * MAX_REQUEST_BYTES)
    assert at_cap.status_code == 400  # the Witness's own answer to garbage
    assert calls == [MAX_REQUEST_BYTES]


def test_a_failing_witness_is_500_without_details(tmp_path: Path, tlog: Log) -> None:
    witness, _ = make_witness(tmp_path, tlog.log)

    def broken(body: bytes):  # type: ignore[no-untyped-def]
        raise RuntimeError("secret state file /srv/w.json")

    witness.add_checkpoint = broken  # type: ignore[method-assign]
    r = client_for(tlog.storage, witness).post("/witness/add-checkpoint", content=b"old 0\n\n")
    assert (r.status_code, r.text) == (500, "internal error: RuntimeError\n")
