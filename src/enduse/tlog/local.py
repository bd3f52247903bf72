"""This installation's log: its key in the keystore, its tiles under ENDUSE_HOME/log/."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from enduse.docs import note
from enduse.docs.keystore import Keystore
from enduse.files import write_durably
from enduse.tlog.log import LogError, TileLog, take_writer_lock
from enduse.tlog.sql_storage import SqlStorage
from enduse.tlog.storage import DirectoryStorage

LOG_KEY = "log-signer"


class LocalLog:
    def __init__(
        self, home: Path, passphrase: bytes | None = None, database_url: str | None = None
    ) -> None:
        self.home = home
        self.dir = home / "log"
        self.keys = Keystore(home / "keys", passphrase)
        # A PostgreSQL deployment keeps the tiles in its database; otherwise plain files.
        self.storage: DirectoryStorage | SqlStorage = (
            SqlStorage(database_url) if database_url else DirectoryStorage(self.dir)
        )
        self.vkey_path = home / "log.vkey"

    def init(self, origin: str) -> str:
        if self.storage.exists() or self.keys.has(LOG_KEY):
            raise LogError(f"a log already exists in {self.storage!r}")
        key, vkey = note.generate_ed25519(origin)
        self.keys.save(LOG_KEY, key)
        write_durably(self.vkey_path, (vkey + "\n").encode("utf-8"))
        TileLog.create(self.storage, note.ed25519_signer(origin, key), note.parse_vkey(vkey))
        return vkey

    def vkey(self) -> str:
        try:
            return self.vkey_path.read_text("utf-8").strip()
        except FileNotFoundError:
            raise LogError("no log here: run `enduse log init --origin ...` first") from None

    def reader(self) -> TileLog:
        return TileLog.open(self.storage, note.parse_vkey(self.vkey()))

    @contextmanager
    def writer(self) -> Iterator[TileLog]:
        """The log opened for appending, under the writer lock for as long as the block runs."""
        verifier = note.parse_vkey(self.vkey())
        signer = note.ed25519_signer(verifier.name, self.keys.load(LOG_KEY))
        fd = take_writer_lock(self.home / "log.lock")  # before reading the state it appends to
        try:
            yield TileLog.open(self.storage, verifier, signer)
        finally:
            os.close(fd)  # closing the descriptor releases the lock
