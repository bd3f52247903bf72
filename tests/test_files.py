"""Durable writes: old content or new, never a mix; exclusive writes never replace."""

from __future__ import annotations

import os

import pytest

from enduse.files import write_durably


def test_replaces_and_leaves_no_temporary_files(tmp_path):
    target = tmp_path / "f"
    write_durably(target, b"one")
    write_durably(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in tmp_path.iterdir()] == ["f"]


def test_exclusive_never_replaces(tmp_path):
    target = tmp_path / "key.pem"
    write_durably(target, b"first", 0o600, exclusive=True)
    with pytest.raises(FileExistsError):
        write_durably(target, b"second", 0o600, exclusive=True)
    assert target.read_bytes() == b"first"
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in tmp_path.iterdir()] == ["key.pem"]


def test_a_failed_write_keeps_the_old_content(tmp_path, monkeypatch):
    target = tmp_path / "f"
    write_durably(target, b"old")

    def broken(src, dst):
        raise OSError("disk gone")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="disk gone"):
        write_durably(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["f"]


def test_a_missing_directory_is_an_error_not_created(tmp_path):
    with pytest.raises(FileNotFoundError):
        write_durably(tmp_path / "absent" / "f", b"x")
    assert not (tmp_path / "absent").exists()
