"""Every change in the log, exactly once; the audit names every disagreement (both databases)."""

from __future__ import annotations

import copy
import json

import cbor2
import pytest
from sqlalchemy import insert, select

from enduse.docs import note
from enduse.registry.db import session_factory
from enduse.registry.models import LogEntryRow
from enduse.scenarios import scenario_text
from enduse.tlog.log import TileLog
from enduse.tlog.storage import DirectoryStorage
from enduse.workflow.audit import audit
from enduse.workflow.imports import record_bundle
from enduse.workflow.logbook import (
    ENTRY_KEYS,
    SEQ_SLACK,
    change_marker,
    decode_entry,
    publish,
    record_change,
)

SEED = json.loads(scenario_text())


@pytest.fixture
def log(tmp_path):
    key, vkey = note.generate_ed25519("registry.test.example/log")
    return TileLog.create(
        DirectoryStorage(tmp_path / "log"),
        note.ed25519_signer("registry.test.example/log", key),
        note.parse_vkey(vkey),
    )


def imported(session, log):
    record_bundle(session, copy.deepcopy(SEED))
    session.commit()
    result = publish(session, log)
    session.commit()
    return result


def test_each_recorded_object_is_one_entry_of_commitments(session, log):
    result = imported(session, log)
    assert result.appended == 24 and log.size == 24
    entries = [decode_entry(e) for _, e in log.iter_entries()]
    assert all(e is not None and set(e) == set(ENTRY_KEYS) for e in entries)
    assert [e["seq"] for e in entries] == list(range(1, 25))
    euc = next(e for e in entries if e["doc_type"] == "eucs")
    assert (
        euc["issuer_state"] == "CZ" and len(euc["doc_hash"]) == 32 and len(euc["doc_id_hash"]) == 32
    )
    assert b"Army Logistics" not in b"".join(
        e for _, e in log.iter_entries()
    )  # commitments, not contents
    report = audit(session, log)
    assert report.consistent, report.problems
    assert (report.records, report.entries, report.log_size) == (24, 24, 24)


def test_a_crash_between_commit_and_log_is_repaired_exactly_once(session, log):
    record_bundle(session, copy.deepcopy(SEED))
    session.commit()
    pending = list(session.scalars(select(LogEntryRow).order_by(LogEntryRow.seq)))
    log.append(
        [row.entry for row in pending[:10]]
    )  # the append happened, the index write-back did not
    result = publish(session, log)
    session.commit()
    assert (result.recovered, result.appended) == (10, 14) and log.size == 24
    assert audit(session, log).consistent


def test_the_audit_names_every_disagreement(session, log):
    imported(session, log)
    row = session.scalars(
        select(LogEntryRow).where(LogEntryRow.record == "licences:RS-2025-0107")
    ).one()
    original = row.entry
    row.entry = cbor2.dumps({**cbor2.loads(original), "prev_status": "applied"}, canonical=True)
    session.commit()
    problems = audit(session, log).problems
    assert any(
        f"log entry {row.log_index}: differs from change seq {row.seq}" in p for p in problems
    )
    row.entry = original
    session.commit()

    log.append([b"an entry nobody recorded"])
    problems = audit(session, log).problems
    assert problems == ["log entry 24: no record in the registry (not an enduse entry)"]

    session.delete(
        session.scalars(select(LogEntryRow).where(LogEntryRow.record == "parties:p-broker")).one()
    )
    session.commit()
    problems = audit(session, log).problems
    assert "parties:p-broker: recorded without a log entry" in problems


def test_without_a_log_the_changes_wait_and_are_named(session):
    record_bundle(session, copy.deepcopy(SEED))
    session.commit()
    problems = audit(session, None).problems
    assert problems[0] == "24 changes not yet in the log (seq 1..24)"


def test_the_audit_catches_a_changed_or_deleted_record(session, log):
    from enduse.registry.models import LicenceRow, ObservationRow

    imported(session, log)
    licence = session.get(LicenceRow, "RS-2025-0107")
    licence.document = {**licence.document, "status": "refused"}
    licence.status = "refused"
    session.delete(session.get(ObservationRow, "obs-osint-1"))
    session.commit()
    problems = audit(session, log).problems
    assert any(p.startswith("licences:RS-2025-0107: the record differs") for p in problems)
    assert "observations:obs-osint-1: in the log, but no longer in the registry" in problems


def test_the_audit_names_a_change_placed_beyond_the_log(session, log):
    imported(session, log)
    row = session.scalars(select(LogEntryRow).order_by(LogEntryRow.seq.desc())).first()
    row.log_index = 1000
    session.commit()
    problems = audit(session, log).problems
    assert problems == [
        f"log entry 23: no record in the registry (seq {row.seq})",
        f"change seq {row.seq} ({row.record}): index 1000 is beyond the log (24)",
    ]
    assert audit(session, log, limit=1).problems == problems[:1]


# --- change_marker: the registry's version for per-worker memos ------------------------------


def _late_entry(session, seq: int) -> None:
    """A log_entries row with a chosen seq, as a writer that took it earlier commits it now."""
    session.execute(
        insert(LogEntryRow.__table__),
        [{"seq": seq, "record": f"test:{seq}", "log_index": None, "entry": b"x"}],
    )
    session.commit()


def test_the_change_marker_of_an_empty_registry(session):
    assert change_marker(session) == (0, 0)
    assert change_marker(session.connection()) == (0, 0)  # a Core connection, as the API passes


def test_the_change_marker_moves_with_every_recorded_change(session):
    before = change_marker(session)
    record_bundle(session, copy.deepcopy(SEED))
    session.commit()
    imported = change_marker(session)
    assert imported != before and imported[0] == 24
    record_change(session, change="test", record="test:a", doc_type="test", issuer_state=None,
                  document={"a": 1})  # fmt: skip
    session.commit()
    after = change_marker(session)
    assert after != imported and after[0] > imported[0]
    assert change_marker(session) == after  # nothing new: the same version


def test_a_late_commit_below_the_highest_seq_changes_the_marker(session):
    seq = record_change(session, change="test", record="test:a", doc_type="test",
                        issuer_state=None, document={"a": 1})  # fmt: skip
    session.commit()
    assert change_marker(session) == (seq, 1)
    _late_entry(session, seq + 100)  # a writer that took seq + 100 commits first
    first = change_marker(session)
    assert first == (seq + 100, 1)  # seq itself is now below the window
    _late_entry(session, seq + 95)  # the writer holding seq + 95 commits after it
    second = change_marker(session)
    assert second[0] == first[0]  # the highest seq did not move ...
    assert second != first  # ... yet the version did
    _late_entry(session, seq + 100 - SEQ_SLACK + 1)  # the oldest seq still inside the window
    assert change_marker(session) != second


def test_a_late_commit_on_postgresql_changes_the_marker(engine):
    """Two real PostgreSQL transactions: the one that took the lower seq commits last."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: seq is taken and committed in order")
    sessions = session_factory(engine)
    change = {"change": "test", "doc_type": "test", "issuer_state": None, "document": {}}
    with sessions() as early, sessions() as late, sessions() as reader:
        low = record_change(early, record="test:early", **change)  # not committed yet
        high = record_change(late, record="test:late", **change)
        late.commit()
        assert high > low
        seen = change_marker(reader)
        reader.rollback()
        assert seen == (high, 1)
        early.commit()
        now = change_marker(reader)
        assert now[0] == high and now != seen
