"""SqlStorage on SQLite and PostgreSQL: round trips, all-or-nothing writes, a whole TileLog.

PostgreSQL comes from ENDUSE_TEST_POSTGRES_URL (default: the local trust-auth server).
If it cannot be reached the PostgreSQL tests fail, because CI starts one; set
ENDUSE_TEST_NO_POSTGRES=1 to skip them on a machine without it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, create_mock_engine, event, exc, text

from enduse.docs import note
from enduse.tlog import merkle
from enduse.tlog.log import LogError, TileLog
from enduse.tlog.sql_storage import SqlStorage
from enduse.tlog.verify_dir import verify_directory

POSTGRES_URL = os.environ.get(
    "ENDUSE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
ORIGIN = "t.example/log"


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine]:
    """One engine for the session; fails (not skips) when PostgreSQL is down, unless told to skip."""
    if os.environ.get("ENDUSE_TEST_NO_POSTGRES") == "1":
        pytest.skip("ENDUSE_TEST_NO_POSTGRES=1: PostgreSQL tests skipped")
    engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 5})
    problem = None
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except exc.OperationalError as error:
        problem = str(error.orig).strip()
    if problem is not None:  # failed outside the except block: no chained traceback
        engine.dispose()
        pytest.fail(
            f"PostgreSQL at {engine.url.render_as_string(hide_password=True)} is unreachable"
            f" ({problem}); start it, point ENDUSE_TEST_POSTGRES_URL at one,"
            " or set ENDUSE_TEST_NO_POSTGRES=1 to skip these tests",
            pytrace=False,
        )
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "postgresql":
        yield request.getfixturevalue("postgres_engine")
        return
    sqlite_engine = create_engine(f"sqlite:///{tmp_path / 'log.db'}")
    yield sqlite_engine
    sqlite_engine.dispose()


@pytest.fixture
def table() -> str:
    return f"tlog_files_{uuid.uuid4().hex[:8]}"


@pytest.fixture
def storage(engine: Engine, table: str) -> Iterator[SqlStorage]:
    """A fresh table per test, dropped afterwards (PostgreSQL is shared between runs)."""
    store = SqlStorage(engine, table=table)
    try:
        yield store
    finally:
        store.table.drop(engine, checkfirst=True)


def test_read_write_overwrite(storage: SqlStorage, engine: Engine, table: str) -> None:
    assert storage.read("tile/0/000") is None
    assert not storage.exists()
    storage.write({"tile/0/000": b"\x00" * 32, "tile/entries/000.p/3": b"abc"})
    assert storage.read("tile/0/000") == b"\x00" * 32
    assert storage.read("tile/entries/000.p/3") == b"abc"
    storage.write({"tile/0/000": b"\xff" * 64, "tile/0/001": b""})
    assert storage.read("tile/0/000") == b"\xff" * 64
    assert storage.read("tile/0/001") == b""
    storage.write({})
    storage.write_checkpoint(b"one\n")
    storage.write_checkpoint(b"two\n")
    assert storage.read("checkpoint") == b"two\n"
    assert storage.exists()
    again = SqlStorage(engine, table=table)  # an existing table is reused, not recreated
    assert again.read("tile/0/000") == b"\xff" * 64 and again.read("checkpoint") == b"two\n"


def test_tables_are_separate(storage: SqlStorage, engine: Engine) -> None:
    other = SqlStorage(engine, table=f"tlog_files_{uuid.uuid4().hex[:8]}")
    try:
        storage.write({"a": b"1"})
        assert other.read("a") is None
    finally:
        other.table.drop(engine)


def test_failure_after_the_first_row_writes_nothing(storage: SqlStorage) -> None:
    storage.write({"tile/0/000": b"old"})
    with pytest.raises(exc.IntegrityError):  # NOT NULL, raised by the database on the third row
        storage.write({"tile/0/000": b"new", "tile/0/001": b"x", "tile/0/002": None})  # type: ignore[dict-item]
    assert storage.read("tile/0/000") == b"old"
    assert storage.read("tile/0/001") is None and storage.read("tile/0/002") is None


def test_failure_before_commit_writes_nothing(storage: SqlStorage, engine: Engine) -> None:
    """Every row is inserted, then the commit never happens (as if the process died there)."""

    class Crash(Exception):
        pass

    def crash(connection: object) -> None:
        raise Crash

    storage.write({"tile/0/000": b"old"})
    event.listen(engine, "commit", crash)
    try:
        with pytest.raises(Crash):
            storage.write({"tile/0/000": b"new", "tile/0/001": b"x", "tile/entries/000": b"y"})
        with pytest.raises(Crash):
            storage.write_checkpoint(b"never\n")
    finally:
        event.remove(engine, "commit", crash)
    assert storage.read("tile/0/000") == b"old"
    assert storage.read("tile/0/001") is None and storage.read("tile/entries/000") is None
    assert storage.read("checkpoint") is None


@pytest.mark.parametrize(
    "path", ["", "/", "/tile/0/000", "tile//0", "tile/./0", "tile/../x", "..", "tile/0/", "a\x00b"]
)
def test_bad_paths_are_refused(storage: SqlStorage, path: str) -> None:
    with pytest.raises(ValueError):
        storage.read(path)
    with pytest.raises(ValueError):
        storage.write({"tile/0/000": b"x", path: b"y"})
    assert storage.read("tile/0/000") is None  # refused before anything was written


def test_path_length_limit(storage: SqlStorage) -> None:
    longest = "t/" + "x" * 198
    storage.write({longest: b"ok"})
    assert storage.read(longest) == b"ok"
    with pytest.raises(ValueError, match="limit is 200"):
        storage.write({longest + "x": b"no"})
    with pytest.raises(ValueError):
        storage.read(longest + "x")


def test_tile_log_end_to_end(storage: SqlStorage, engine: Engine, table: str) -> None:
    key, vkey = note.generate_ed25519(ORIGIN)
    signer, verifier = note.ed25519_signer(ORIGIN, key), note.parse_vkey(vkey)
    log = TileLog.create(storage, signer, verifier)
    with pytest.raises(LogError):
        TileLog.create(storage, signer, verifier)
    entries: list[bytes] = []
    for count in (1, 300, 1000):
        batch = [f"entry {i}".encode() for i in range(len(entries), len(entries) + count)]
        assert log.append(batch) == len(entries)
        entries += batch
    leaves = [merkle.leaf_hash(e) for e in entries]
    assert log.root() == merkle.root_from_leaves(leaves)

    reopened = TileLog.open(SqlStorage(engine, table=table), note.parse_vkey(vkey))
    assert reopened.size == len(entries) and reopened.root() == log.root()
    for i in (0, 1, 255, 256, 300, 1000, len(entries) - 1):
        assert reopened.entry(i) == entries[i]
        proof = reopened.inclusion_proof(i)
        merkle.verify_inclusion(leaves[i], i, len(entries), proof, reopened.checkpoint.root)
    assert verify_directory(storage, verifier).size == len(entries)


def test_sqlite_connections_are_durable(tmp_path: Path) -> None:
    """WAL + synchronous=FULL, also on a connection the pool opened before SqlStorage existed."""
    engine = create_engine(f"sqlite:///{tmp_path / 'log.db'}")
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))  # now pooled, opened without the listener
        SqlStorage(engine)
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
    finally:
        engine.dispose()


def test_url_owns_its_engine(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'log.db'}"
    storage = SqlStorage(url)
    storage.write_checkpoint(b"cp\n")
    storage.close()
    again = SqlStorage(url)
    try:
        assert again.read("checkpoint") == b"cp\n"
        assert "tlog_files" in repr(again)
    finally:
        again.close()


def test_unsupported_dialect_is_refused() -> None:
    engine = create_mock_engine("mysql://", executor=lambda *args, **kwargs: None)
    with pytest.raises(ValueError, match="sqlite, postgresql"):
        SqlStorage(engine)  # type: ignore[arg-type]
