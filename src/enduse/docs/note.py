"""Signed notes: C2SP signed-note (https://c2sp.org/signed-note), as in Go's sumdb/note.

A note is UTF-8 text, a blank line, and signature lines "— <name> base64(key hash || sig)".
It lets a file be checked with nothing but a short public "vkey" string; the project signs
its trust list this way and will reuse it for transparency-log checkpoints and witness
cosignatures. Only Ed25519 (type 0x01) exists today; another key type is added by writing a
verifier class and registering its constructor in ``_VKEY_TYPES``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

MAX_NOTE_SIZE = 16 << 20  # bytes, checked before any other work; a trust list is a note too
MAX_SIGNATURES = 100  # as Go; C2SP requires accepting at least 16
ALG_ED25519 = 0x01

REASONS = frozenset(
    {
        "malformed",
        "bad_key",
        "invalid_signature",
        "unknown_key",
        "ambiguous_key",
    }
)

_SIG_PREFIX = "— "  # U+2014 EM DASH, space
_HEX8 = re.compile(r"[0-9a-fA-F]{8}")
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")  # ASCII controls except "\n"
_GO_SPACES = frozenset("\t\n\v\f\r \x85\xa0")  # Go unicode.IsSpace, Latin-1 part


class NoteError(ValueError):
    """A note or key was rejected.

    ``reason`` is one of REASONS: 'malformed', 'bad_key', 'invalid_signature',
    'unknown_key', 'ambiguous_key'. The message names the key (name+hash) or the line
    at fault, and never contains private key material. A known key's signature either
    verifies or raises 'invalid_signature', so a note nobody known signed is 'unknown_key'.
    """

    def __init__(self, reason: str, message: str) -> None:
        if reason not in REASONS:
            raise ValueError(f"unknown NoteError reason {reason!r}")
        super().__init__(message)
        self.reason = reason


def _key_id(name: str, key_hash: int) -> str:
    return f"{name}+{key_hash:08x}"


def _is_valid_name(name: str) -> bool:
    """Go's isValidName: non-empty UTF-8 with no '+' and no Unicode space."""
    if not name or "+" in name:
        return False
    if any(c in _GO_SPACES or unicodedata.category(c) in ("Zs", "Zl", "Zp") for c in name):
        return False
    try:
        name.encode("utf-8")  # rejects lone surrogates
    except UnicodeEncodeError:
        return False
    return True


def _b64decode(data: str) -> bytes | None:
    """Standard padded base64, canonical encodings only; None if invalid."""
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if base64.b64encode(raw).decode("ascii") == data else None


def key_hash(name: str, key_type_and_public: bytes) -> int:
    """SHA-256(name || "\\n" || type || public key)[:4] as a big-endian uint32."""
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + key_type_and_public).digest()
    return int.from_bytes(digest[:4], "big")


@dataclass(frozen=True)
class Signature:
    """One signature line: key name, key hash and the signature bytes after the hash."""

    name: str
    key_hash: int
    signature: bytes

    def __post_init__(self) -> None:
        if not _is_valid_name(self.name):
            raise NoteError("malformed", f"invalid key name {self.name!r}")
        if not 0 <= self.key_hash <= 0xFFFFFFFF:
            raise NoteError("malformed", f"key hash of {self.name} is not a uint32")
        if not self.signature:
            raise NoteError("malformed", f"empty signature from {self.key_id}")

    @property
    def key_id(self) -> str:
        """The key as "name+hash", e.g. "PeterNeumann+c74f20a3"."""
        return _key_id(self.name, self.key_hash)

    def line(self) -> str:
        raw = self.key_hash.to_bytes(4, "big") + self.signature
        return f"{_SIG_PREFIX}{self.name} {base64.b64encode(raw).decode('ascii')}\n"


@dataclass(frozen=True)
class Note:
    """An opened note: its text, the signatures checked with a known key, and the rest."""

    text: str
    verified: tuple[Signature, ...]
    unverified: tuple[Signature, ...]


class Verifier(Protocol):
    """Checks signatures by one key, identified by name and key hash."""

    @property
    def name(self) -> str: ...
    @property
    def key_hash(self) -> int: ...
    def verify(self, msg: bytes, sig: bytes) -> bool: ...


class Signer(Protocol):
    """Signs note text with one key, identified by name and key hash."""

    @property
    def name(self) -> str: ...
    @property
    def key_hash(self) -> int: ...
    def sign(self, msg: bytes) -> bytes: ...


@dataclass(frozen=True)
class Ed25519Verifier:
    """Verifier for signature type 0x01 (plain Ed25519 over the note text)."""

    name: str
    key_hash: int
    public_key: Ed25519PublicKey

    def verify(self, msg: bytes, sig: bytes) -> bool:
        try:
            self.public_key.verify(sig, msg)
        except InvalidSignature:
            return False
        return True


def _ed25519_public_bytes(key: Ed25519PublicKey) -> bytes:
    return bytes([ALG_ED25519]) + key.public_bytes_raw()


class Ed25519Signer:
    """Signer for type 0x01. Its repr shows only the name and key hash."""

    __slots__ = ("_private_key", "key_hash", "name")

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        if not _is_valid_name(name):
            raise NoteError("bad_key", f"invalid signer name {name!r}")
        self.name = name
        self._private_key = private_key
        self.key_hash = key_hash(name, _ed25519_public_bytes(private_key.public_key()))

    @property
    def vkey(self) -> str:
        return ed25519_vkey(self.name, self._private_key.public_key())

    def sign(self, msg: bytes) -> bytes:
        return self._private_key.sign(msg)

    def __repr__(self) -> str:
        return f"Ed25519Signer({self.name}+{self.key_hash:08x})"


def _ed25519_from_vkey(name: str, hash_: int, public: bytes) -> Verifier:
    if len(public) != 32:
        raise NoteError("bad_key", f"Ed25519 key {_key_id(name, hash_)} is not 32 bytes")
    return Ed25519Verifier(name, hash_, Ed25519PublicKey.from_public_bytes(public))


# --- C2SP tlog-cosignature v1 (type 0x04): what witnesses sign over a checkpoint -----------

ALG_COSIGNATURE_V1 = 0x04
MAX_TIMESTAMP = (1 << 63) - 1


def _cosigned_message(timestamp: int, msg: bytes) -> bytes:
    return b"cosignature/v1\ntime " + str(timestamp).encode("ascii") + b"\n" + msg


@dataclass(frozen=True)
class CosignatureVerifier:
    """Verifier for type 0x04: a timestamped Ed25519 signature over "cosignature/v1" + the note."""

    name: str
    key_hash: int
    public_key: Ed25519PublicKey

    def verify(self, msg: bytes, sig: bytes) -> bool:
        if len(sig) != 8 + 64:
            return False
        timestamp = int.from_bytes(sig[:8], "big")
        if timestamp > MAX_TIMESTAMP:
            return False
        try:
            self.public_key.verify(sig[8:], _cosigned_message(timestamp, msg))
        except InvalidSignature:
            return False
        return True


class CosignatureSigner:
    """Signer for type 0x04; `clock` gives the POSIX time each cosignature states."""

    __slots__ = ("_clock", "_private_key", "key_hash", "name")

    def __init__(
        self, name: str, private_key: Ed25519PrivateKey, clock: Callable[[], int] | None = None
    ) -> None:
        if not _is_valid_name(name):
            raise NoteError("bad_key", f"invalid signer name {name!r}")
        self.name = name
        self._private_key = private_key
        self._clock = clock or (lambda: int(time.time()))
        self.key_hash = key_hash(name, _cosignature_public_bytes(private_key.public_key()))

    def sign(self, msg: bytes) -> bytes:
        timestamp = self._clock()
        return timestamp.to_bytes(8, "big") + self._private_key.sign(
            _cosigned_message(timestamp, msg)
        )

    def __repr__(self) -> str:
        return f"CosignatureSigner({self.name}+{self.key_hash:08x})"


def _cosignature_public_bytes(key: Ed25519PublicKey) -> bytes:
    return bytes([ALG_COSIGNATURE_V1]) + key.public_bytes_raw()


def cosignature_vkey(name: str, public_key: Ed25519PublicKey) -> str:
    """A witness's verifier key "name+hash+base64(0x04 || public key)"."""
    if not _is_valid_name(name):
        raise NoteError("bad_key", f"invalid key name {name!r}")
    key = _cosignature_public_bytes(public_key)
    return f"{name}+{key_hash(name, key):08x}+{base64.b64encode(key).decode('ascii')}"


def _cosignature_from_vkey(name: str, hash_: int, public: bytes) -> Verifier:
    if len(public) != 32:
        raise NoteError("bad_key", f"cosignature key {_key_id(name, hash_)} is not 32 bytes")
    return CosignatureVerifier(name, hash_, Ed25519PublicKey.from_public_bytes(public))


# Key type byte -> constructor(name, key hash, public key bytes after the type byte).
_VKEY_TYPES: dict[int, Callable[[str, int, bytes], Verifier]] = {
    ALG_ED25519: _ed25519_from_vkey,
    ALG_COSIGNATURE_V1: _cosignature_from_vkey,
}


def ed25519_signer(name: str, private_key: Ed25519PrivateKey) -> Signer:
    return Ed25519Signer(name, private_key)


def ed25519_verifier(name: str, public_key: Ed25519PublicKey) -> Verifier:
    if not _is_valid_name(name):
        raise NoteError("bad_key", f"invalid key name {name!r}")
    return Ed25519Verifier(name, key_hash(name, _ed25519_public_bytes(public_key)), public_key)


def ed25519_vkey(name: str, public_key: Ed25519PublicKey) -> str:
    """The verifier key "name+hash+base64(0x01 || public key)"."""
    if not _is_valid_name(name):
        raise NoteError("bad_key", f"invalid key name {name!r}")
    key = _ed25519_public_bytes(public_key)
    return f"{name}+{key_hash(name, key):08x}+{base64.b64encode(key).decode('ascii')}"


def generate_ed25519(name: str) -> tuple[Ed25519PrivateKey, str]:
    """A new private key and its vkey (no skey string: private keys stay in the keystore)."""
    private_key = Ed25519PrivateKey.generate()
    return private_key, ed25519_vkey(name, private_key.public_key())


def parse_vkey(vkey: str) -> Verifier:
    """Parse "name+hash+base64(type || public key)"; the base64 may itself contain '+'."""
    parts = vkey.split("+", 2)
    key = _b64decode(parts[2]) if len(parts) == 3 else None
    if not key or not _HEX8.fullmatch(parts[1]) or not _is_valid_name(parts[0]):
        raise NoteError("bad_key", "malformed verifier key (want name+hash+base64)")
    name, hash_ = parts[0], int(parts[1], 16)
    if hash_ != key_hash(name, key):
        raise NoteError("bad_key", f"verifier key {_key_id(name, hash_)}: hash does not match")
    make = _VKEY_TYPES.get(key[0])
    if make is None:
        raise NoteError("bad_key", f"verifier key {_key_id(name, hash_)}: unknown type {key[0]}")
    return make(name, hash_, key[1:])


def signer_from_skey(skey: str) -> Signer:
    """Parse Go's "PRIVATE+KEY+name+hash+base64(0x01 || seed)". Errors never echo the key."""
    parts = skey.split("+", 4)
    if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
        raise NoteError("bad_key", "malformed signer key (want PRIVATE+KEY+name+hash+base64)")
    name, hash16, seed = parts[2], parts[3], _b64decode(parts[4])
    if not seed or not _HEX8.fullmatch(hash16) or not _is_valid_name(name):
        raise NoteError("bad_key", "malformed signer key (want PRIVATE+KEY+name+hash+base64)")
    if seed[0] != ALG_ED25519 or len(seed) != 33:
        raise NoteError("bad_key", "signer key is not an Ed25519 key")
    signer = Ed25519Signer(name, Ed25519PrivateKey.from_private_bytes(seed[1:]))
    if signer.key_hash != int(hash16, 16):
        raise NoteError("bad_key", "signer key hash does not match its key")
    return signer


def _decode(msg: str | bytes) -> str:
    """Size cap, UTF-8 and control-character checks shared by parse and sign."""
    if len(msg) > MAX_NOTE_SIZE:  # a str never has more characters than UTF-8 bytes
        raise NoteError("malformed", f"note larger than {MAX_NOTE_SIZE} bytes")
    try:
        raw = msg.encode("utf-8") if isinstance(msg, str) else msg
        text = raw.decode("utf-8")
    except UnicodeError:
        raise NoteError("malformed", "note is not valid UTF-8") from None
    if len(raw) > MAX_NOTE_SIZE:
        raise NoteError("malformed", f"note larger than {MAX_NOTE_SIZE} bytes")
    bad = _CONTROL.search(text)
    if bad:
        raise NoteError("malformed", f"control character {bad.group()!r} at {bad.start()}")
    return text


def _parse_signature_line(number: int, line: str) -> Signature:
    where = f"signature line {number} {line[:80]!r}"
    if not line.startswith(_SIG_PREFIX):
        raise NoteError("malformed", f"{where}: not a signature line")
    name, _, b64 = line[len(_SIG_PREFIX) :].partition(" ")
    raw = _b64decode(b64)
    if not _is_valid_name(name) or raw is None or len(raw) < 5:
        raise NoteError("malformed", f"{where}: want '— name base64(hash||signature)'")
    return Signature(name, int.from_bytes(raw[:4], "big"), raw[4:])


def parse(msg: str | bytes) -> tuple[str, tuple[Signature, ...]]:
    """Split a note into text and signatures, checking structure only (no verification)."""
    data = _decode(msg)
    split = data.rfind("\n\n")  # the LAST blank line separates text from signatures
    if split < 0:
        raise NoteError("malformed", "no blank line before the signatures")
    text, block = data[: split + 1], data[split + 2 :]
    if not block.endswith("\n"):
        raise NoteError("malformed", "signature block must end with a newline")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError("malformed", f"more than {MAX_SIGNATURES} signatures")
    return text, tuple(_parse_signature_line(n, line) for n, line in enumerate(lines, 1))


def open_note(msg: str | bytes, verifiers: Iterable[Verifier]) -> Note:
    """Parse msg and check its signatures against the known verifiers (as Go's note.Open).

    Signatures from unknown keys are kept unverified; a known key whose signature fails
    rejects the whole note; at least one signature must verify. Repeated signatures are
    dropped (a known key's later lines unchecked, as Go does).
    """
    text, signatures = parse(msg)
    known: dict[tuple[str, int], list[Verifier]] = {}
    for v in verifiers:
        known.setdefault((v.name, v.key_hash), []).append(v)
    payload = text.encode("utf-8")
    verified: list[Signature] = []
    unverified: list[Signature] = []
    for sig in signatures:
        candidates = known.get((sig.name, sig.key_hash))
        if candidates is None:
            if sig not in unverified:
                unverified.append(sig)
            continue
        if len(candidates) > 1:
            raise NoteError("ambiguous_key", f"ambiguous key {sig.key_id}")
        if any(s.key_id == sig.key_id for s in verified):
            continue
        if not candidates[0].verify(payload, sig.signature):
            raise NoteError("invalid_signature", f"invalid signature for key {sig.key_id}")
        verified.append(sig)
    if not verified:
        keys = ", ".join(dict.fromkeys(s.key_id for s in unverified))
        raise NoteError("unknown_key", f"no signature from a known key (signed by {keys})")
    return Note(text, tuple(verified), tuple(unverified))


def sign(text: str, signers: Iterable[Signer], existing: Iterable[Signature] = ()) -> str:
    """Return text + "\\n" + signature lines: the existing ones, then one per signer.

    An existing signature with the same name+hash as a signer is replaced, not duplicated.
    """
    _decode(text)
    if not text.endswith("\n"):
        raise NoteError("malformed", "note text must end with a newline")
    payload = text.encode("utf-8")
    new: list[Signature] = []
    for signer in signers:
        if not _is_valid_name(signer.name):
            raise NoteError("bad_key", f"invalid signer name {signer.name!r}")
        if all(s.key_id != _key_id(signer.name, signer.key_hash) for s in new):
            new.append(Signature(signer.name, signer.key_hash, signer.sign(payload)))
    replaced = {s.key_id for s in new}
    kept = [s for s in dict.fromkeys(existing) if s.key_id not in replaced]
    if not kept and not new:
        raise NoteError("malformed", "a note needs at least one signature")
    out = text + "\n" + "".join(s.line() for s in (*kept, *new))
    parse(out)  # enforce the size and signature-count limits on what we emit
    return out
