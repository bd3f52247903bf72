"""Database fixtures: every registry and workflow test runs on SQLite and on PostgreSQL (CI starts it)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from enduse.registry.db import make_engine, session_factory
from enduse.registry.migrate import upgrade

POSTGRES = os.environ.get(
    "ENDUSE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'registry.sqlite'}")
        upgrade(engine)
        yield engine
        engine.dispose()
        return
    if os.environ.get("ENDUSE_TEST_NO_POSTGRES") == "1":
        pytest.skip("ENDUSE_TEST_NO_POSTGRES=1")
    admin = make_engine(POSTGRES)
    schema = f"registry_{uuid.uuid4().hex[:10]}"
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as e:  # CI must have PostgreSQL: fail loudly rather than skip
        pytest.fail(
            f"PostgreSQL at {POSTGRES} is not reachable ({e}); set ENDUSE_TEST_NO_POSTGRES=1 to skip"
        )
    separator = "&" if "?" in POSTGRES else "?"
    engine = make_engine(f"{POSTGRES}{separator}options={quote(f'-csearch_path={schema}')}")
    upgrade(engine)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with session_factory(engine)() as session:
        yield session
