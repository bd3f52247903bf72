"""DirectoryStorage's checkpoint stamp: what a reader stats instead of reading the checkpoint."""

from __future__ import annotations

from pathlib import Path

from enduse.tlog.storage import DirectoryStorage


def test_no_checkpoint_no_stamp(tmp_path: Path) -> None:
    assert DirectoryStorage(tmp_path / "absent").checkpoint_stamp() is None
    storage = DirectoryStorage(tmp_path / "log")
    storage.write({"tile/0/000": b"x" * 32})  # tiles, but no checkpoint yet
    assert storage.checkpoint_stamp() is None


def test_the_stamp_changes_whenever_the_checkpoint_is_replaced(tmp_path: Path) -> None:
    storage = DirectoryStorage(tmp_path / "log")
    storage.write_checkpoint(b"origin\n1\nAAAA\n")
    first = storage.checkpoint_stamp()
    assert first is not None and first == storage.checkpoint_stamp()  # stable while unchanged
    storage.write_checkpoint(b"origin\n2\nBBBB\n")  # the same size
    second = storage.checkpoint_stamp()
    assert second is not None and second != first
    storage.write_checkpoint(b"origin\n2\nBBBB\n")  # even the same bytes: a new file
    third = storage.checkpoint_stamp()
    assert third is not None and third != second
    assert storage.read("checkpoint") == b"origin\n2\nBBBB\n"


def test_a_removed_checkpoint_has_no_stamp(tmp_path: Path) -> None:
    storage = DirectoryStorage(tmp_path / "log")
    storage.write_checkpoint(b"origin\n1\nAAAA\n")
    storage.delete(["checkpoint"])
    assert storage.checkpoint_stamp() is None
