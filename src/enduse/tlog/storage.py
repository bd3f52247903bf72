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

from enduse.files import fsync_directory, read_capped, write_durably

MAX_FILE_BYTES = 32 * 1024 * 1024  # a full entry bundle of 256 entries of 64 KiB, with room


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


class DirectoryStorage:
    """tlog-tiles as plain files: what `enduse serve` and any static web server can publish."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _file(self, path: str) -> Path:
        parts = path.split("/")
        if not parts or any(p in ("", ".", "..") for p in parts) or path.startswith("/"):
            raise ValueError(f"bad log path {path!r}")
        return self.root.joinpath(*parts)

    def read(self, path: str) -> bytes | None:
        try:
            return read_capped(self._file(path), MAX_FILE_BYTES)
        except FileNotFoundError:
            return None

    def write(self, files: Mapping[str, bytes]) -> None:
        directories: set[Path] = set()
        for path, data in files.items():
            target = self._file(path)
            if target.parent not in directories:
                target.parent.mkdir(parents=True, exist_ok=True)
                directories.add(target.parent)
            write_durably(target, data, 0o644, sync_directory=False)
        for directory in directories:  # the renames themselves, once per directory
            fsync_directory(directory)

    def write_checkpoint(self, data: bytes) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        write_durably(self.root / "checkpoint", data, 0o644)

    def exists(self) -> bool:
        return (self.root / "checkpoint").exists()

    def lock_path(self) -> Path:
        return self.root / ".writer.lock"

    def __repr__(self) -> str:
        return f"DirectoryStorage({os.fspath(self.root)})"
