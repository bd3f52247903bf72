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


def _begin_immediate(connection: Any) -> None:
    """Take SQLite's write lock when a transaction starts, not at its first write: a
    read-check-write (the quantity ledger) must not interleave with another writer's.
    PostgreSQL gets the same guarantee from row locks (SELECT ... FOR UPDATE)."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _begin_immediate)
    elif engine.dialect.name != "postgresql":
        raise ValueError(f"the registry runs on SQLite or PostgreSQL, not {engine.dialect.name}")
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
