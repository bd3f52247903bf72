"""This installation's registry: the database ENDUSE_DATABASE_URL names, or an SQLite file."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from enduse.registry.db import make_engine, registry_url, session_factory
from enduse.registry.migrate import upgrade


def open_registry(
    home: Path, database_url: str | None, *, read_only: bool = False
) -> sessionmaker[Session]:
    """A session factory on the registry, its schema brought up to date first."""
    engine = make_engine(registry_url(home, database_url))
    upgrade(engine)
    return session_factory(engine, read_only=read_only)
