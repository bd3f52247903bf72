"""One installation, as the web server sees it: registry sessions, PKI, log, screening lists."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from enduse.api.online import OnlineMemo, OpenedMemo
from enduse.docs.local_pki import LocalPki
from enduse.docs.trust_list import TrustStore
from enduse.tlog.local import LocalLog
from enduse.tlog.log import LogError, TileLog
from enduse.tlog.witness import Witness
from enduse.workflow.follow_up import publish_changes, screen_changes


@dataclass
class Installation:
    sessions: sessionmaker[Session]
    pki: LocalPki
    readers: sessionmaker[Session] | None = None  # read-only snapshots; `sessions` if None
    log: LocalLog | None = None
    lists: Path | None = None  # the screening lists' directory
    witness: Witness | None = None
    secure_cookies: bool = True  # False only for plain-HTTP loopback (tests, demo)
    online: OnlineMemo = field(default_factory=OnlineMemo, repr=False)
    opened: OpenedMemo = field(default_factory=OpenedMemo, repr=False)
    _log_reader: TileLog | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _trust_seen: tuple[int, int, int] | None = field(default=None, repr=False)
    _log_seen: tuple[int, int, int] | None = field(default=None, repr=False)

    @property
    def read(self) -> sessionmaker[Session]:
        return self.readers or self.sessions

    @property
    def read_engine(self) -> Engine:
        """For hot paths that need a connection, not an ORM session."""
        bind = self.read.kw["bind"]
        assert isinstance(bind, Engine)
        return bind

    def trust(self) -> TrustStore:
        """The trust list as it is on disk now: a signer revoked (or added) by `enduse pki` in
        another process counts from the next verification (one stat per call)."""
        try:
            stat = self.pki.list_path.stat()
            seen = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        except FileNotFoundError:
            seen = None
        if seen != self._trust_seen:
            self.pki.forget()
            self._trust_seen = seen
        return self.pki.store()

    def log_reader(self) -> TileLog | None:
        """The log as of its latest checkpoint; reopened only when the checkpoint changed."""
        if self.log is None:
            return None
        stamp = getattr(self.log.storage, "checkpoint_stamp", None)
        seen = stamp() if stamp is not None else None
        if seen is not None and seen == self._log_seen and self._log_reader is not None:
            return self._log_reader  # a stat, not a read, per verification
        try:
            current = self.log.storage.read("checkpoint")
        except OSError:
            return None
        if current is None:
            return None
        with self._lock:
            cached = self._log_reader
            if cached is None or cached.checkpoint_text.encode("utf-8") != current:
                try:
                    cached = self._log_reader = self.log.reader()
                except LogError:
                    return None
            self._log_seen = seen
            return cached

    def publish(self) -> str:
        """Append the changes a request committed to the log (before answering it)."""
        if self.log is None:
            return "no log configured"
        return publish_changes(self.sessions, self.log)

    def screen(self) -> str:
        """Screen parties a request added (after answering it: screening a name takes time)."""
        if self.lists is None:
            return "no screening lists configured"
        return screen_changes(self.sessions, self.lists)
