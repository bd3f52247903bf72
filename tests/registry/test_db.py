"""Sessions on the registry: writers serialise, readers never block them (both databases)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from enduse.registry.db import session_factory
from enduse.registry.models import UserRow


def test_a_reader_in_a_transaction_does_not_block_a_writer(engine):
    readers, writers = session_factory(engine, read_only=True), session_factory(engine)
    with readers() as reader:
        assert reader.scalars(select(UserRow)).all() == []  # a transaction is open now
        with writers() as writer, writer.begin():
            writer.add(UserRow(name="root", role="admin", disabled=False))
        assert reader.scalars(select(UserRow)).all() == []  # its snapshot holds
    with readers() as reader:
        assert [u.name for u in reader.scalars(select(UserRow))] == ["root"]


def test_a_read_only_session_cannot_write_on_postgresql(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no read-only transactions; the workflow never writes through one")
    reader = session_factory(engine, read_only=True)()
    with reader, pytest.raises(Exception, match="read-only"):
        reader.execute(
            text("INSERT INTO users (name, role, disabled) VALUES ('x', 'admin', false)")
        )
