"""Private keys: PKCS#8 on disk, owner-only, encrypted with a passphrase, never in an error."""

from __future__ import annotations

import stat

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from enduse.docs.keystore import Keystore, KeystoreError


def _raw(key: ed25519.Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


def test_key_files_are_pkcs8_and_readable_by_the_owner_only(tmp_path):
    store = Keystore(tmp_path / "keys")
    key = ed25519.Ed25519PrivateKey.generate()
    store.save("dsc-01", key)
    path = tmp_path / "keys" / "dsc-01.pem"
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "keys").stat().st_mode) == 0o700
    assert _raw(store.load("dsc-01")) == _raw(key)


def test_a_passphrase_encrypts_the_key(tmp_path):
    store = Keystore(tmp_path, passphrase=b"correct horse")
    key = ed25519.Ed25519PrivateKey.generate()
    store.save("k", key)
    pem = (tmp_path / "k.pem").read_bytes()
    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert _raw(key) not in pem
    assert _raw(Keystore(tmp_path, passphrase=b"correct horse").load("k")) == _raw(key)


def test_encrypted_key_without_or_with_a_wrong_passphrase(tmp_path):
    Keystore(tmp_path, passphrase=b"secret").save("k", ed25519.Ed25519PrivateKey.generate())
    with pytest.raises(KeystoreError, match="ENDUSE_KEY_PASSPHRASE"):
        Keystore(tmp_path).load("k")
    with pytest.raises(KeystoreError, match="wrong ENDUSE_KEY_PASSPHRASE"):
        Keystore(tmp_path, passphrase=b"guess").load("k")


def test_keys_are_never_overwritten(tmp_path):
    store = Keystore(tmp_path)
    first = ed25519.Ed25519PrivateKey.generate()
    store.save("k", first)
    with pytest.raises(KeystoreError, match="already exists"):
        store.save("k", ed25519.Ed25519PrivateKey.generate())
    assert _raw(store.load("k")) == _raw(first)


@pytest.mark.parametrize("bad", ["../escape", "", "a/b", ".hidden", "x" * 200])
def test_key_ids_cannot_leave_the_keystore(tmp_path, bad):
    with pytest.raises(KeystoreError, match="bad key id"):
        Keystore(tmp_path).save(bad, ed25519.Ed25519PrivateKey.generate())


def test_errors_and_repr_carry_no_key_material(tmp_path):
    store = Keystore(tmp_path, passphrase=b"pw")
    key = ed25519.Ed25519PrivateKey.generate()
    store.save("k", key)
    pem = (tmp_path / "k.pem").read_text()
    with pytest.raises(KeystoreError) as info:
        Keystore(tmp_path, passphrase=b"nope").load("k")
    for text in (str(info.value), repr(store)):
        assert "PRIVATE KEY" not in text and pem[40:80] not in text and "pw" not in text
