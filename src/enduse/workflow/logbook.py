"""Every state change of the registry as a transparency-log entry: commitments, not contents.

An entry (LOG.md) is a canonical CBOR map {type, time, issuer_state, doc_type,
doc_id_hash, doc_hash, prev_status, seq}. It is written to the `log_entries`
table in the same transaction as the change (the unit of work), then
appended to the log right after the commit. `seq` makes the append
exactly-once: after a crash between the two, `publish` finds which pending
entries already reached the log's tail and only records their indexes.
"""

from __future__ import annotations

import hashlib
import time as clock
from dataclasses import dataclass
from typing import Any

import cbor2
from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from enduse.docs.base45 import b45decode
from enduse.docs.verify import inflate
from enduse.registry.models import LogEntryRow
from enduse.tlog.log import LogError, TileLog

SEQ_SLACK = 64  # how far PostgreSQL writers may commit their `seq` out of order, at most
# Plain SQL (one statement, both dialects): it runs on every online verification, where
# compiling a Core statement would cost as much as the lookups.
_MARKER = (
    f"SELECT max(seq), count(*) FROM {LogEntryRow.__tablename__} "
    f"WHERE seq > (SELECT max(seq) FROM {LogEntryRow.__tablename__}) - {SEQ_SLACK}"
)

ENTRY_KEYS = (
    "type",
    "time",
    "issuer_state",
    "doc_type",
    "doc_id_hash",
    "doc_hash",
    "prev_status",
    "seq",
)


def change_marker(db: Connection | Session) -> tuple[int, int]:
    """A version of the registry: every change adds a `log_entries` row in its transaction.

    The highest `seq` alone misses a writer that took seq 11 but committed after seq 12
    (PostgreSQL); the number of entries in the window below the highest catches it. Two
    index lookups, so a per-request cache can afford to ask."""
    connection = db.connection() if isinstance(db, Session) else db
    row = connection.exec_driver_sql(_MARKER).one()
    return int(row[0] or 0), int(row[1] or 0)


def document_hash(document: dict[str, Any], signed: str | None = None) -> bytes:
    """SHA-256 of the signed COSE bytes when there are any, else of the record's canonical CBOR."""
    if signed:
        try:
            return hashlib.sha256(inflate(b45decode(signed.split(":", 1)[1]))).digest()
        except Exception:
            return hashlib.sha256(signed.encode("utf-8")).digest()
    return hashlib.sha256(
        cbor2.dumps(document, canonical=True, datetime_as_timestamp=True)
    ).digest()


@dataclass(frozen=True)
class Change:
    """One state change to log: what happened to which record, and what it now is."""

    change: str
    record: str
    doc_type: str
    issuer_state: str | None
    document: dict[str, Any]
    signed: str | None = None
    prev_status: str | None = None


def _reserve(session: Session, count: int) -> list[int]:
    """`count` new sequence numbers, in order. SQLite: the writer holds the database lock
    (BEGIN IMMEDIATE), so max + 1 is ours; PostgreSQL: the column's own sequence."""
    if session.get_bind().dialect.name == "postgresql":
        return sorted(
            session.scalars(
                text("SELECT nextval(pg_get_serial_sequence('log_entries', 'seq')) "
                     "FROM generate_series(1, :n)"),
                {"n": count},
            )
        )  # fmt: skip
    top = session.scalar(select(func.max(LogEntryRow.seq))) or 0
    return list(range(top + 1, top + 1 + count))


def record_changes(session: Session, changes: list[Change], at: int | None = None) -> list[int]:
    """Queue the log entries of changes in the changes' own transaction; their seq numbers."""
    if not changes:
        return []
    now = int(clock.time()) if at is None else at
    seqs = _reserve(session, len(changes))
    rows = [
        {
            "seq": seq,
            "record": c.record,
            "log_index": None,
            "entry": cbor2.dumps(
                {
                    "type": c.change,
                    "time": now,
                    "issuer_state": c.issuer_state,
                    "doc_type": c.doc_type,
                    "doc_id_hash": hashlib.sha256(c.record.encode("utf-8")).digest(),
                    "doc_hash": document_hash(c.document, c.signed),
                    "prev_status": c.prev_status,
                    "seq": seq,
                },
                canonical=True,
            ),
        }
        for seq, c in zip(seqs, changes, strict=True)
    ]
    session.execute(insert(LogEntryRow.__table__), rows)
    return seqs


def record_change(
    session: Session,
    *,
    change: str,
    record: str,
    doc_type: str,
    issuer_state: str | None,
    document: dict[str, Any],
    signed: str | None = None,
    prev_status: str | None = None,
    at: int | None = None,
) -> int:
    """Queue the log entry of one change; its seq number."""
    (seq,) = record_changes(
        session,
        [Change(change, record, doc_type, issuer_state, document, signed, prev_status)],
        at,
    )
    return seq


def decode_entry(data: bytes) -> dict[str, Any] | None:
    """An enduse log entry, or None if these bytes are not one."""
    try:
        value = cbor2.loads(data)
    except Exception:
        return None
    if (
        not isinstance(value, dict)
        or set(value) != set(ENTRY_KEYS)
        or not isinstance(value["seq"], int)
    ):
        return None
    return value


def lock_publication(session: Session) -> None:
    """One publisher at a time across hosts sharing a PostgreSQL registry (the log's file lock
    only covers one host); held until the transaction ends."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext('enduse.log.publish'))"))


@dataclass(frozen=True)
class Published:
    appended: int
    recovered: int


def publish(session: Session, log: TileLog) -> Published:
    """Append the pending entries, in order; the caller holds the log's writer lock."""
    pending = list(
        session.scalars(
            select(LogEntryRow).where(LogEntryRow.log_index.is_(None)).order_by(LogEntryRow.seq)
        )
    )
    if not pending:
        return Published(0, 0)
    by_seq = {row.seq: row for row in pending}
    recovered = 0
    for index in range(max(0, log.size - len(pending)), log.size):  # a crash after the append
        entry = decode_entry(log.entry(index))
        if entry is not None and entry["seq"] in by_seq:
            row = by_seq.pop(entry["seq"])
            if row.entry != log.entry(index):
                raise LogError(f"log entry {index} has seq {row.seq} but other contents")
            row.log_index = index
            recovered += 1
    rows = sorted(by_seq.values(), key=lambda r: r.seq)
    if rows:
        first = log.append([row.entry for row in rows])
        for offset, row in enumerate(rows):
            row.log_index = first + offset
    session.flush()
    return Published(len(rows), recovered)
