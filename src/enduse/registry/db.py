"""The registry's database: an SQLite file under ENDUSE_HOME, or PostgreSQL when configured."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def registry_url(home: Path, configured: str | None) -> str:
    return configured or f"sqlite:///{home / 'registry.sqlite'}"


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    connection.isolation_level = None  # let the "begin" event below start transactions
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")  # references hold, as in PostgreSQL
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")  # a commit survives power loss
    cursor.close()


READ_ONLY = "enduse_read_only"


def _begin(connection: Any) -> None:
    """Take SQLite's write lock when a transaction starts, not at its first write: a
    read-check-write (the quantity ledger) must not interleave with another writer's.
    PostgreSQL gets the same guarantee from row locks (SELECT ... FOR UPDATE). A read-only
    session begins deferred: under WAL it reads a snapshot and never blocks a writer."""
    read_only = connection.get_execution_options().get(READ_ONLY)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _begin)
    elif engine.dialect.name != "postgresql":
        raise ValueError(f"the registry runs on SQLite or PostgreSQL, not {engine.dialect.name}")
    return engine


def session_factory(engine: Engine, *, read_only: bool = False) -> sessionmaker[Session]:
    """Sessions on the registry; `read_only` ones (listings, exports, reports) read one
    snapshot, cannot write on PostgreSQL and do not hold SQLite's write lock."""
    if read_only:
        options: dict[str, Any] = {READ_ONLY: True}
        if engine.dialect.name == "postgresql":  # one snapshot for a whole export or audit
            options |= {"postgresql_readonly": True, "isolation_level": "REPEATABLE READ"}
        engine = engine.execution_options(**options)
    return sessionmaker(engine, expire_on_commit=False)
