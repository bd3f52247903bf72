"""Do the registry and the log agree, both ways? Every discrepancy is named.

- every change queued in the registry is in the log, at its recorded index, byte for byte;
- every log entry is a change the registry holds (no entry without its record);
- every recorded object has the entry of its registration;
- the log itself verifies: checkpoint signature, every tile, the root.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import select
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


def audit(session: Session, log: TileLog | None, limit: int = 100) -> Audit:
    result = Audit()
    problems = result.problems
    rows = list(session.scalars(select(m.LogEntryRow).order_by(m.LogEntryRow.seq)))
    result.entries = len(rows)
    pending = [r.seq for r in rows if r.log_index is None]
    if pending:
        problems.append(
            f"{len(pending)} changes not yet in the log (seq {pending[0]}..{pending[-1]})"
        )
    if log is None:
        problems.append("there is no log: run `enduse log init --origin ...`")
    else:
        result.log_size, result.root = log.size, log.checkpoint.root
        try:
            verify_directory(log.storage, log.verifier)
        except (DirectoryInvalid, ValueError) as e:
            problems.append(f"the log does not verify: {e}")
        by_index = {r.log_index: r for r in rows if r.log_index is not None}
        for index, entry in log.iter_entries():
            row = by_index.pop(index, None)
            if row is None:
                decoded = decode_entry(entry)
                what = f"seq {decoded['seq']}" if decoded else "not an enduse entry"
                problems.append(f"log entry {index}: no record in the registry ({what})")
            elif row.entry != entry:
                problems.append(
                    f"log entry {index}: differs from change seq {row.seq} ({row.record})"
                )
            if len(problems) >= limit:
                return result
        for index, row in sorted(by_index.items()):
            if index >= log.size:
                problems.append(
                    f"change seq {row.seq} ({row.record}): index {index} is beyond the log ({log.size})"
                )
    latest = {r.record: r for r in rows}  # the last change of each record commits to its state now
    current = dict(_records(session))
    result.records = len(current)
    for key, (document, signed) in current.items():
        row = latest.get(key)
        if row is None:
            problems.append(f"{key}: recorded without a log entry")
        else:
            entry = decode_entry(row.entry)
            if entry is None or entry["doc_hash"] != document_hash(document, signed):
                problems.append(
                    f"{key}: the record differs from what its last log entry (seq {row.seq}) commits to"
                )
        if len(problems) >= limit:
            return result
    for key in sorted(set(latest) - set(current))[:limit]:
        problems.append(f"{key}: in the log, but no longer in the registry")
    return result


def _records(session: Session) -> Iterator[tuple[str, tuple[dict, str | None]]]:
    """Every recorded object by its log key, with what its entries commit to."""
    for name, row_type in COLLECTIONS:
        for row in session.scalars(select(row_type)):
            signed = row.document.get("signed")  # every signed record keeps its payload there
            yield record_key(name, row, row.ordinal), (row.document, signed)
