"""Where a log's tiles, entry bundles and checkpoint live, behind one small interface.

The layout is C2SP tlog-tiles, so a directory written here can be served as
static files and read by any tlog-tiles client. Tiles and bundles are written
before the checkpoint that covers them; a checkpoint is only ever replaced
atomically, so a reader (or a restart after `kill -9`) never sees a
checkpoint whose tiles are missing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from enduse.files import (
    NotAFile,
    TooLarge,
    fsync_directory,
    make_directories,
    read_capped,
    write_durably,
)

MAX_FILE_BYTES = 32 * 1024 * 1024  # a full entry bundle of 256 entries of 64 KiB, with room


MAX_PATH_CHARS = 200


class StorageError(ValueError):
    """A file of the log cannot be read as one (too large, not a regular file, unreadable)."""


def check_path(path: str) -> str:
    """A relative path of the log layout, the same for every backend (so a log can move).

    No empty, '.' or '..' parts, no leading '/', no NUL (PostgreSQL text cannot hold it).
    """
    parts = path.split("/")
    if not path or path.startswith("/") or "\0" in path or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"bad log path {path!r}")
    if len(path) > MAX_PATH_CHARS:
        raise ValueError(f"log path of {len(path)} characters; the limit is {MAX_PATH_CHARS}")
    return path


class TileStorage(Protocol):
    def read(self, path: str) -> bytes | None:
        """The file at a tlog-tiles path ("tile/0/x001/234", "checkpoint"), or None."""
        ...

    def write(self, files: Mapping[str, bytes]) -> None:
        """Write every file durably; on return all of them survive a crash."""
        ...

    def write_checkpoint(self, data: bytes) -> None:
        """Replace the checkpoint atomically and durably (after the tiles it covers)."""
        ...

    def existing(self, paths: list[str]) -> set[str]:
        """Which of these files exist (one round trip for a database)."""
        ...

    def delete(self, paths: list[str]) -> None:
        """Remove files durably; missing ones are fine."""
        ...


class DirectoryStorage:
    """tlog-tiles as plain files: what `enduse serve` and any static web server can publish."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _file(self, path: str) -> Path:
        return self.root.joinpath(*check_path(path).split("/"))

    def read(self, path: str) -> bytes | None:
        try:
            return read_capped(self._file(path), MAX_FILE_BYTES, regular_only=True)
        except FileNotFoundError:
            return None
        except OSError as e:
            raise StorageError(f"{path}: {e.strerror}") from None
        except (NotAFile, TooLarge) as e:
            raise StorageError(str(e)) from None

    def write(self, files: Mapping[str, bytes]) -> None:
        directories: set[Path] = set()
        for path, data in files.items():
            target = self._file(path)
            if target.parent not in directories:
                make_directories(target.parent)
                directories.add(target.parent)
            write_durably(target, data, 0o644, sync_directory=False)
        for directory in directories:  # the renames themselves, once per directory
            fsync_directory(directory)

    def write_checkpoint(self, data: bytes) -> None:
        make_directories(self.root)
        write_durably(self.root / "checkpoint", data, 0o644)

    def existing(self, paths: list[str]) -> set[str]:
        return {p for p in paths if self._file(p).is_file()}

    def delete(self, paths: list[str]) -> None:
        directories = set()
        for path in paths:
            target = self._file(path)
            target.unlink(missing_ok=True)
            directories.add(target.parent)
        for directory in directories:
            fsync_directory(directory)

    def exists(self) -> bool:
        return (self.root / "checkpoint").exists()

    def checkpoint_stamp(self) -> tuple[int, int, int] | None:
        """Changes whenever the checkpoint is replaced (a rename: a new inode), for readers that
        poll it and would rather stat than read."""
        try:
            stat = (self.root / "checkpoint").stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_size, stat.st_ino

    def lock_path(self) -> Path:
        return self.root / ".writer.lock"

    def __repr__(self) -> str:
        return f"DirectoryStorage({os.fspath(self.root)})"
