"""Private keys on disk: PKCS#8, encrypted when a passphrase is set, readable by the owner only.

A key never leaves this module as text: callers get key objects to sign
with, and errors name the key id, never its material.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization

from enduse.files import write_durably

_KEY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


class KeystoreError(RuntimeError):
    pass


class Keystore:
    def __init__(self, root: Path, passphrase: bytes | None = None) -> None:
        self.root = root
        self._passphrase = passphrase

    def __repr__(self) -> str:
        return f"Keystore({self.root}, encrypted={self._passphrase is not None})"

    def _path(self, key_id: str) -> Path:
        if not _KEY_ID.fullmatch(key_id):
            raise KeystoreError(f"bad key id {key_id!r}")
        return self.root / f"{key_id}.pem"

    def has(self, key_id: str) -> bool:
        return self._path(key_id).exists()

    def save(self, key_id: str, private_key: Any) -> None:
        path = self._path(key_id)
        if path.exists():
            raise KeystoreError(f"key {key_id} already exists; keys are never overwritten")
        encryption: serialization.KeySerializationEncryption = (
            serialization.BestAvailableEncryption(self._passphrase)
            if self._passphrase
            else serialization.NoEncryption()
        )
        pem = private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
        )
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.root, 0o700)
        try:
            write_durably(path, pem, 0o600, exclusive=True)
        except FileExistsError:
            raise KeystoreError(
                f"key {key_id} already exists; keys are never overwritten"
            ) from None

    def load(self, key_id: str) -> Any:
        path = self._path(key_id)
        try:
            pem = path.read_bytes()
        except FileNotFoundError:
            raise KeystoreError(f"no key {key_id} in the keystore {self.root}") from None
        encrypted = b"ENCRYPTED" in pem.split(b"\n", 1)[0]
        if encrypted and not self._passphrase:
            raise KeystoreError(f"key {key_id} is encrypted: set ENDUSE_KEY_PASSPHRASE")
        try:
            return serialization.load_pem_private_key(
                pem, password=self._passphrase if encrypted else None
            )
        except (ValueError, TypeError):
            raise KeystoreError(
                f"key {key_id} could not be loaded (wrong ENDUSE_KEY_PASSPHRASE?)"
            ) from None
