"""The tiled log: appends, reopening, proofs from tiles, and durability under kill -9."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enduse.docs import note
from enduse.tlog import merkle
from enduse.tlog.log import LogError, TileLog
from enduse.tlog.storage import DirectoryStorage
from enduse.tlog.verify_dir import verify_directory

ORIGIN = "test.enduse.example/log"


def new_log(root: Path) -> tuple[TileLog, note.Verifier, note.Signer]:
    key, vkey = note.generate_ed25519(ORIGIN)
    signer, verifier = note.ed25519_signer(ORIGIN, key), note.parse_vkey(vkey)
    return TileLog.create(DirectoryStorage(root), signer, verifier), verifier, signer


def entries(start: int, count: int) -> list[bytes]:
    return [f"entry {i}".encode() for i in range(start, start + count)]


@pytest.mark.parametrize("batches", [[1], [255, 1], [256], [300, 212, 1000], [70000]])
def test_appends_match_the_reference_tree(tmp_path, batches):
    log, verifier, _ = new_log(tmp_path)
    data: list[bytes] = []
    for count in batches:
        first = log.append(entries(len(data), count))
        assert first == len(data)
        data += entries(len(data), count)
        assert log.size == len(data)
    leaves = [merkle.leaf_hash(d) for d in data]
    assert log.root() == merkle.root_from_leaves(leaves)
    again = TileLog.open(DirectoryStorage(tmp_path), verifier)
    assert again.size == len(data) and again.checkpoint.root == log.root()
    for i in (0, len(data) // 2, len(data) - 1):
        assert again.entry(i) == data[i]
        proof = again.inclusion_proof(i)
        merkle.verify_inclusion(leaves[i], i, len(data), proof, again.checkpoint.root)
    assert verify_directory(DirectoryStorage(tmp_path), verifier).size == len(data)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 600), min_size=1, max_size=6), st.data())
def test_proofs_against_every_older_size(tmp_path_factory, batches, data):
    root = tmp_path_factory.mktemp("log")
    log, _, _ = new_log(root)
    sizes, leaves = [], []
    for count in batches:
        log.append(entries(len(leaves), count))
        leaves += [merkle.leaf_hash(e) for e in entries(len(leaves), count)]
        sizes.append(len(leaves))
    old = data.draw(st.sampled_from(sizes))
    new = data.draw(st.sampled_from([s for s in sizes if s >= old]))
    old_root, new_root = (
        merkle.root_from_leaves(leaves[:old]),
        merkle.root_from_leaves(leaves[:new]),
    )
    assert log.root(old) == old_root
    merkle.verify_consistency(old, new, log.consistency_proof(old, new), old_root, new_root)
    index = data.draw(st.integers(0, new - 1))
    merkle.verify_inclusion(leaves[index], index, new, log.inclusion_proof(index, new), new_root)


def test_refusals(tmp_path):
    log, verifier, signer = new_log(tmp_path)
    with pytest.raises(LogError, match="already exists"):
        TileLog.create(DirectoryStorage(tmp_path), signer, verifier)
    with pytest.raises(LogError, match="limit"):
        log.append([b"x" * 70000])
    assert log.size == 0
    with pytest.raises(LogError, match="no entry 0"):
        log.entry(0)
    reader = TileLog.open(DirectoryStorage(tmp_path), verifier)
    with pytest.raises(LogError, match="read-only"):
        reader.append([b"x"])


def test_a_wrong_key_or_a_tampered_tile_is_refused_on_open(tmp_path):
    log, verifier, _ = new_log(tmp_path)
    log.append(entries(0, 300))
    _, other = note.generate_ed25519(ORIGIN)
    with pytest.raises(note.NoteError):
        TileLog.open(DirectoryStorage(tmp_path), note.parse_vkey(other))
    partial = next((tmp_path / "tile" / "0").rglob("*.p/*"))
    data = bytearray(partial.read_bytes())
    data[0] ^= 1
    partial.write_bytes(bytes(data))
    with pytest.raises(LogError, match="do not match"):
        TileLog.open(DirectoryStorage(tmp_path), verifier)


WRITER = """
import sys
from enduse.docs import note
from enduse.tlog.log import TileLog
from enduse.tlog.storage import DirectoryStorage
from pathlib import Path
from cryptography.hazmat.primitives.serialization import load_pem_private_key
root, key_file, vkey = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
verifier = note.parse_vkey(vkey)
signer = note.ed25519_signer(verifier.name, load_pem_private_key(key_file.read_bytes(), None))
log = TileLog.open(DirectoryStorage(root), verifier, signer)
n = log.size
while True:
    batch = [f"entry {i}".encode() for i in range(n, n + 97)]
    first = log.append(batch)
    sys.stdout.write(f"{first + len(batch) - 1}\\n")
    sys.stdout.flush()
    n += len(batch)
"""


def test_every_acknowledged_entry_survives_kill_9(tmp_path):
    from cryptography.hazmat.primitives import serialization

    key, vkey = note.generate_ed25519(ORIGIN)
    TileLog.create(
        DirectoryStorage(tmp_path / "log"), note.ed25519_signer(ORIGIN, key), note.parse_vkey(vkey)
    )
    key_file = tmp_path / "key.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    acknowledged = -1
    for round_ in range(4):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path / "log"), str(key_file), vkey],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 0.3 + 0.2 * round_
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            acknowledged = int(line)
        os.kill(proc.pid, signal.SIGKILL)  # mid-stream: whatever it was writing
        proc.wait()
        log = TileLog.open(DirectoryStorage(tmp_path / "log"), note.parse_vkey(vkey))
        assert log.size > acknowledged
        for i in {0, acknowledged // 2, acknowledged}:
            assert log.entry(i) == f"entry {i}".encode()
        assert (
            verify_directory(DirectoryStorage(tmp_path / "log"), note.parse_vkey(vkey)).size
            == log.size
        )
    assert acknowledged > 0


def test_one_writer_at_a_time(tmp_path):
    from enduse.tlog.log import take_writer_lock

    fd = take_writer_lock(tmp_path / "log.lock")
    try:
        with pytest.raises(LogError, match="another process is writing"):
            take_writer_lock(tmp_path / "log.lock")
    finally:
        os.close(fd)
    os.close(take_writer_lock(tmp_path / "log.lock"))  # released with its descriptor


def test_a_failed_append_leaves_the_log_as_its_last_checkpoint(tmp_path, monkeypatch):
    log, verifier, _ = new_log(tmp_path)
    log.append([b"a"])
    storage = log.storage
    real_write = storage.write
    fail_once = {"write": True}

    def broken_write(files):
        if fail_once.pop("write", False):
            raise OSError(28, "No space left on device")
        return real_write(files)

    monkeypatch.setattr(storage, "write", broken_write)
    with pytest.raises(OSError, match="No space"):
        log.append([b"rejected"])
    assert log.append([b"c"]) == 1  # acknowledged at the index the failed one did not take
    assert log.entry(1) == b"c"
    reopened = TileLog.open(DirectoryStorage(tmp_path), verifier)
    assert reopened.size == 2 and reopened.entry(1) == b"c"
    assert verify_directory(DirectoryStorage(tmp_path), verifier).size == 2

    def broken_checkpoint(data):
        raise OSError(5, "I/O error")

    monkeypatch.setattr(storage, "write_checkpoint", broken_checkpoint)
    with pytest.raises(OSError):
        log.append([b"not acknowledged"])
    assert log.size == 2 and log.root() == reopened.checkpoint.root


def test_a_crashed_batch_leaves_nothing_to_serve(tmp_path, monkeypatch):
    log, verifier, signer = new_log(tmp_path)
    log.append(entries(0, 250))
    storage = DirectoryStorage(tmp_path)
    writer = TileLog.open(storage, verifier, signer)

    def crash(data):
        raise KeyboardInterrupt  # the process dies between the tiles and the checkpoint

    monkeypatch.setattr(storage, "write_checkpoint", crash)
    with pytest.raises(KeyboardInterrupt):
        writer.append([b"lost %d" % i for i in range(300)])
    assert (tmp_path / "tile" / "0" / "000").exists()  # the batch's full tile reached the disk
    monkeypatch.undo()
    again = TileLog.open(DirectoryStorage(tmp_path), verifier, signer)  # the next writer
    assert not (tmp_path / "tile" / "0" / "000").exists()
    assert not (tmp_path / "tile" / "entries" / "000").exists()
    assert not list((tmp_path / "tile" / "0").rglob("*.p/2[6-9]*"))
    assert (tmp_path / "tile" / "0" / "000.p" / "250").exists()  # what the checkpoint covers stays
    again.append(entries(250, 3))
    assert verify_directory(DirectoryStorage(tmp_path), verifier).size == 253
    assert again.entry(250) == b"entry 250"


def test_a_crashed_batch_past_the_next_tile_leaves_no_partial_tile(tmp_path, monkeypatch):
    """10 entries, then a batch of 590 dies before its checkpoint: it wrote full tiles 000 and
    001 and partial tiles at index 002; the next writer removes all of them."""
    log, verifier, signer = new_log(tmp_path)
    log.append(entries(0, 10))
    storage = DirectoryStorage(tmp_path)
    writer = TileLog.open(storage, verifier, signer)

    def crash(data):
        raise KeyboardInterrupt

    monkeypatch.setattr(storage, "write_checkpoint", crash)
    with pytest.raises(KeyboardInterrupt):
        writer.append([b"lost %d" % i for i in range(590)])
    assert (tmp_path / "tile" / "0" / "002.p" / "88").exists()
    monkeypatch.undo()
    TileLog.open(DirectoryStorage(tmp_path), verifier, signer)
    assert not (tmp_path / "tile" / "0" / "002.p" / "88").exists()
    assert not (tmp_path / "tile" / "entries" / "002.p" / "88").exists()
    assert not (tmp_path / "tile" / "0" / "001").exists()
    assert (tmp_path / "tile" / "0" / "000.p" / "10").exists()


def test_older_published_checkpoints_are_kept_for_proofs(tmp_path):
    log, _, _ = new_log(tmp_path)
    log.append(entries(0, 10))
    text10 = log.checkpoint_text
    log.append(entries(10, 5))
    assert log.published(10) == text10
    with pytest.raises(LogError, match="no checkpoint of size 12"):
        log.published(12)
