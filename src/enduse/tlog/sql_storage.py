"""tlog-tiles in a SQL table, for deployments that keep everything in the database.

Same contract as `DirectoryStorage` (see `TileStorage`): `write` makes every
file durable before it returns, and `write_checkpoint` replaces the
checkpoint atomically. Here both come from database transactions: `write`
upserts all its files in one transaction, so a crash leaves all of them or
none, and the checkpoint gets a transaction of its own that `TileLog` only
starts after the tiles it covers have committed.

SQLAlchemy Core, one table of (path, data) rows; SQLite and PostgreSQL
(psycopg 3) are supported, because an upsert is dialect-specific.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    LargeBinary,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite

from enduse.tlog.storage import MAX_PATH_CHARS, check_path

CHECKPOINT = "checkpoint"
SUPPORTED_DIALECTS = ("sqlite", "postgresql")

# Upgrade only a session that turned synchronous commit off (never weaken a stricter setting
# such as remote_apply); "local" waits for the local WAL flush, which is what durable means here.
_PG_DURABLE_COMMIT = text(
    "SELECT set_config('synchronous_commit', 'local', true)"
    " WHERE current_setting('synchronous_commit') = 'off'"
)


def _sqlite_durable(dbapi_connection: Any, record: Any, proxy: Any) -> None:
    """WAL and synchronous=FULL on every SQLite connection, so a commit survives power loss.

    A pool `checkout` listener rather than `connect`, flagged once per DBAPI connection
    (`record.info` is cleared when the connection is replaced): it also covers connections
    the pool opened before SqlStorage was given the engine. At checkout no transaction is
    open, which changing the journal mode requires.
    """
    if record.info.get("enduse_durable"):
        return
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")  # persistent in the file; "memory" in memory
        cursor.execute("PRAGMA synchronous=FULL")  # per connection: fsync the WAL at each commit
    finally:
        cursor.close()
    record.info["enduse_durable"] = True


class SqlStorage:
    """tlog-tiles as rows of one table (default `tlog_files`) on SQLite or PostgreSQL.

    The table is created if missing (`MetaData.create_all`) until the project's Alembic
    migrations take that over. Given a URL, SqlStorage owns the engine (`close` disposes
    it); given an Engine, the caller does. One writer at a time, as for any TileStorage:
    the writer lock is the caller's business.
    """

    def __init__(self, engine_or_url: Engine | str, table: str = "tlog_files") -> None:
        if isinstance(engine_or_url, str):
            self.engine = create_engine(engine_or_url)
            self._owns_engine = True
        else:
            self.engine = engine_or_url
            self._owns_engine = False
        self.dialect = self.engine.dialect.name
        if self.dialect not in SUPPORTED_DIALECTS:
            raise ValueError(
                f"SqlStorage supports {', '.join(SUPPORTED_DIALECTS)}, not {self.dialect}"
            )
        if self.dialect == "sqlite" and not event.contains(
            self.engine, "checkout", _sqlite_durable
        ):
            event.listen(self.engine, "checkout", _sqlite_durable)
        self.table = Table(
            table,
            MetaData(),
            Column("path", String(MAX_PATH_CHARS), primary_key=True),
            Column("data", LargeBinary, nullable=False),
        )
        self.table.metadata.create_all(self.engine)

    def read(self, path: str) -> bytes | None:
        query = select(self.table.c.data).where(self.table.c.path == check_path(path))
        with self.engine.connect() as connection:
            data = connection.execute(query).scalar_one_or_none()
        return None if data is None else bytes(data)

    def write(self, files: Mapping[str, bytes]) -> None:
        """Upsert every file in one transaction: on return all are committed, after a crash none."""
        rows = [{"path": check_path(path), "data": data} for path, data in files.items()]
        if rows:
            self._upsert(rows)

    def write_checkpoint(self, data: bytes) -> None:
        """Replace the checkpoint in a transaction of its own (after the tiles it covers)."""
        self._upsert([{"path": CHECKPOINT, "data": data}])

    def exists(self) -> bool:
        return self.read(CHECKPOINT) is not None

    def existing(self, paths: list[str]) -> set[str]:
        if not paths:
            return set()
        query = select(self.table.c.path).where(
            self.table.c.path.in_([check_path(p) for p in paths])
        )
        with self.engine.connect() as connection:
            return set(connection.execute(query).scalars())

    def delete(self, paths: list[str]) -> None:
        """Remove rows in one transaction; missing ones are fine."""
        if not paths:
            return
        statement = self.table.delete().where(self.table.c.path.in_([check_path(p) for p in paths]))
        with self.engine.begin() as connection:
            self._durable_commit(connection)
            connection.execute(statement)

    def close(self) -> None:
        """Dispose of the engine if SqlStorage created it from a URL."""
        if self._owns_engine:
            self.engine.dispose()

    def _upsert(self, rows: list[dict[str, Any]]) -> None:
        insert = (postgresql.insert if self.dialect == "postgresql" else sqlite.insert)(self.table)
        statement = insert.on_conflict_do_update(
            index_elements=[self.table.c.path], set_={"data": insert.excluded.data}
        )
        with self.engine.begin() as connection:  # commits on return, rolls back on any error
            self._durable_commit(connection)
            connection.execute(statement, rows)

    def _durable_commit(self, connection: Connection) -> None:
        if self.dialect == "postgresql":
            connection.execute(_PG_DURABLE_COMMIT)

    def __repr__(self) -> str:
        return (
            f"SqlStorage({self.engine.url.render_as_string(hide_password=True)}, {self.table.name})"
        )
