"""Do the registry and the log agree, both ways? Every discrepancy is named.

- every change queued in the registry is in the log, at its recorded index, byte for byte;
- every log entry is a change the registry holds (no entry without its record);
- every recorded object has the entry of its registration;
- the log itself verifies: checkpoint signature, every tile, the root.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from enduse.registry import models as m
from enduse.registry.bundle_io import COLLECTIONS, record_key
from enduse.tlog.log import TileLog
from enduse.tlog.verify_dir import DirectoryInvalid, verify_directory
from enduse.workflow.logbook import decode_entry, document_hash


@dataclass
class Audit:
    records: int = 0
    entries: int = 0
    log_size: int = 0
    root: bytes = b""
    problems: list[str] = field(default_factory=list)

    @property
    def consistent(self) -> bool:
        return not self.problems


BATCH = 5000  # rows per fetch: the audit streams, it never holds the registry in memory


def audit(session: Session, log: TileLog | None, limit: int = 100) -> Audit:
    result = Audit()
    problems = result.problems
    E = m.LogEntryRow
    total, waiting, first, last = session.execute(
        select(func.count(), func.count(E.seq).filter(E.log_index.is_(None)),
               func.min(E.seq).filter(E.log_index.is_(None)),
               func.max(E.seq).filter(E.log_index.is_(None)))
    ).one()  # fmt: skip
    result.entries = total
    if waiting:
        problems.append(f"{waiting} changes not yet in the log (seq {first}..{last})")
    if log is None:
        problems.append("there is no log: run `enduse log init --origin ...`")
    else:
        result.log_size, result.root = log.size, log.checkpoint.root
        try:
            verify_directory(log.storage, log.verifier)
        except (DirectoryInvalid, ValueError) as e:
            problems.append(f"the log does not verify: {e}")
        if _compare_with_log(session, log, problems, limit):
            return result
    latest: dict[str, tuple[int, bytes | None]] = {}  # record -> its last change (seq, doc_hash)
    query = select(E.seq, E.record, E.entry).order_by(E.seq).execution_options(yield_per=BATCH)
    for seq, record, entry in session.execute(query):
        decoded = decode_entry(entry)
        latest[record] = (seq, decoded["doc_hash"] if decoded else None)
    for key, (document, signed) in _records(session):
        result.records += 1
        change = latest.pop(key, None)
        if change is None:
            problems.append(f"{key}: recorded without a log entry")
        elif change[1] != document_hash(document, signed):
            problems.append(
                f"{key}: the record differs from what its last log entry (seq {change[0]}) commits to"
            )
        if len(problems) >= limit:
            return result
    for key in sorted(latest)[:limit]:
        problems.append(f"{key}: in the log, but no longer in the registry")
    return result


def _compare_with_log(session: Session, log: TileLog, problems: list[str], limit: int) -> bool:
    """Walk the log and the changes in index order together; True when the limit was hit."""
    E = m.LogEntryRow
    query = (
        select(E.log_index, E.seq, E.record, E.entry)
        .where(E.log_index.is_not(None))
        .order_by(E.log_index)
        .execution_options(yield_per=BATCH)
    )
    rows = iter(session.execute(query))
    row = next(rows, None)
    for index, entry in log.iter_entries():
        if row is not None and row.log_index == index:
            if row.entry != entry:
                problems.append(
                    f"log entry {index}: differs from change seq {row.seq} ({row.record})"
                )
            row = next(rows, None)
        else:
            decoded = decode_entry(entry)
            what = f"seq {decoded['seq']}" if decoded else "not an enduse entry"
            problems.append(f"log entry {index}: no record in the registry ({what})")
        if len(problems) >= limit:
            return True
    while row is not None:  # every index below the size was walked: these are beyond it
        problems.append(
            f"change seq {row.seq} ({row.record}): index {row.log_index} is beyond the log ({log.size})"
        )
        if len(problems) >= limit:
            return True
        row = next(rows, None)
    return False


def _records(session: Session) -> Iterator[tuple[str, tuple[dict, str | None]]]:
    """Every recorded object by its log key, with what its entries commit to."""
    for name, row_type in COLLECTIONS:
        for row in session.scalars(select(row_type).execution_options(yield_per=BATCH)):
            signed = row.document.get("signed")  # every signed record keeps its payload there
            yield record_key(name, row, row.ordinal), (row.document, signed)
