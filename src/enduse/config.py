"""Where enduse keeps its state: one directory, `ENDUSE_HOME`, and nothing outside it."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir


def home() -> Path:
    """The state directory; created on first use with owner-only permissions."""
    path = Path(os.environ.get("ENDUSE_HOME") or user_data_dir("enduse", appauthor=False))
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def screening_home() -> Path:
    """The loaded sanctions and denial lists and their index (embedded, whatever the database)."""
    return home() / "screening"


def key_passphrase() -> bytes | None:
    value = os.environ.get("ENDUSE_KEY_PASSPHRASE")
    return value.encode("utf-8") if value else None


def database_url() -> str | None:
    """The registry's (and the log's) database, when not the embedded default."""
    return os.environ.get("ENDUSE_DATABASE_URL") or None


def verify_memo_size() -> int:
    """Verifications each server worker remembers (ENDUSE_VERIFY_MEMO; 0 turns it off)."""
    value = os.environ.get("ENDUSE_VERIFY_MEMO", "").strip()
    if not value:
        return 4096
    if not value.isascii() or not value.isdigit():
        raise ValueError(f"ENDUSE_VERIFY_MEMO must be a whole number, not {value!r}")
    return int(value)
