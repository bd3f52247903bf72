"""Files enduse keeps or is handed: written durably, read within a limit.

A crash while writing leaves the old content or the new one, never a mix
(keys, the trust list, QR images). A file handed in (a bundle, a trust list,
a certificate, a photo) is never read past its limit, whatever it claims.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path


def write_durably(
    path: Path,
    data: bytes,
    mode: int = 0o666,
    *,
    exclusive: bool = False,
    sync_directory: bool = True,
) -> None:
    """Write `data` to `path` via a synced temporary file in the same directory.

    `mode` is applied through the umask, as for any new file. With
    `exclusive`, an existing `path` is never replaced (FileExistsError).
    A caller writing many files to one directory may pass
    `sync_directory=False` and call `sync_directory` once at the end.
    """
    # O_EXCL on a random name: no clobbering, no symlink games.
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if exclusive:
            os.link(tmp, path)  # fails if `path` exists, atomically
            os.unlink(tmp)
        else:
            os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if sync_directory:
        fsync_directory(path.parent)


def fsync_directory(directory: Path) -> None:
    """Make the rename itself durable."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # platforms that cannot open a directory
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class TooLarge(ValueError):
    pass


class NotAFile(ValueError):
    pass


def read_capped(path: Path, limit: int, *, regular_only: bool = False) -> bytes:
    """The file's bytes, or TooLarge naming the file: /dev/zero and growing files included.

    With `regular_only`, a FIFO, device or directory in its place is refused
    (NotAFile) without blocking on it: for files that can only be plain files,
    such as tiles.
    """
    flags = os.O_RDONLY | (os.O_NONBLOCK if regular_only else 0)
    try:
        fd = os.open(path, flags)
    except IsADirectoryError:
        raise NotAFile(f"{path}: a directory, not a file") from None
    info = os.fstat(fd)
    if stat.S_ISDIR(info.st_mode):  # Linux opens a directory read-only without complaint
        os.close(fd)
        raise NotAFile(f"{path}: a directory, not a file")
    with os.fdopen(fd, "rb") as f:
        if regular_only and not stat.S_ISREG(info.st_mode):
            raise NotAFile(f"{path}: not a regular file")
        if info.st_size > limit:
            raise TooLarge(f"{path}: {info.st_size:,} bytes, over the limit of {limit:,}")
        data = f.read(limit + 1)  # the file may grow after fstat, or be a device
    if len(data) > limit:
        raise TooLarge(f"{path}: over the limit of {limit:,} bytes")
    return data


def make_directories(directory: Path) -> None:
    """mkdir -p, with every directory it creates made durable in its parent."""
    missing = []
    while not directory.exists():
        missing.append(directory)
        directory = directory.parent
    for created in reversed(missing):
        created.mkdir(exist_ok=True)
        fsync_directory(created.parent)
