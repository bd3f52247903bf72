"""Many threads appending through one sequencer: every index once, in few durable batches."""

from __future__ import annotations

import threading

import pytest

from enduse.docs import note
from enduse.tlog.log import LogError, TileLog
from enduse.tlog.sequencer import Sequencer
from enduse.tlog.storage import DirectoryStorage


def test_concurrent_appends_are_batched_and_each_gets_its_own_index(tmp_path):
    key, vkey = note.generate_ed25519("seq.test.example/log")
    log = TileLog.create(
        DirectoryStorage(tmp_path),
        note.ed25519_signer("seq.test.example/log", key),
        note.parse_vkey(vkey),
    )
    sequencer = Sequencer(log, max_batch=512, max_wait=0.02)
    got: dict[bytes, int] = {}
    lock = threading.Lock()

    def worker(n: int) -> None:
        for i in range(300):
            entry = f"t{n}-{i}".encode()
            index = sequencer.append(entry)
            with lock:
                got[entry] = index

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sequencer.close()
    assert sorted(got.values()) == list(range(2400))
    reopened = TileLog.open(DirectoryStorage(tmp_path), note.parse_vkey(vkey))
    assert reopened.size == 2400
    for entry, index in list(got.items())[::97]:
        assert reopened.entry(index) == entry
    assert sequencer.batches < 2400  # batched, not one write per entry


def test_a_refused_entry_fails_its_own_waiters_only(tmp_path):
    key, vkey = note.generate_ed25519("seq.test.example/log")
    log = TileLog.create(
        DirectoryStorage(tmp_path),
        note.ed25519_signer("seq.test.example/log", key),
        note.parse_vkey(vkey),
    )
    sequencer = Sequencer(log, max_wait=0.01)
    with pytest.raises(LogError, match="limit"):
        sequencer.append(b"x" * 70000)
    assert sequencer.append(b"fine") == 0
    sequencer.close()
