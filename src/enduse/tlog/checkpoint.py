"""Checkpoints: C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint), a log's signed tree head.

The note text is the origin (the log's identity), the tree size in decimal, the base64 RFC 6962
root hash, then optional non-empty extension lines, each ending in "\\n". It is signed as a
C2SP signed note (enduse.docs.note), so witnesses can add cosignatures without breaking the
log's own. Parsing is strict (one text per tree head) because the same text is what gets signed,
cosigned and compared when checking that a log never shows two different trees.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from dataclasses import dataclass

from enduse.docs import note
from enduse.tlog.merkle import HASH_SIZE  # SHA-256, the only hash tlog-tiles allows

MAX_TREE_SIZE = (1 << 63) - 1  # int64, as Go's tlog and most clients read sizes

_DECIMAL = re.compile(r"0|[1-9][0-9]*")
_CONTROL = re.compile(r"[\x00-\x1f]")  # "\n" separates lines; a signed note refuses the rest


class CheckpointError(ValueError):
    """A checkpoint text or value is malformed, or is not the expected log's."""


def _check_line(what: str, line: str) -> None:
    if not isinstance(line, str):
        raise CheckpointError(f"{what} must be a str, not {type(line).__name__}")
    if not line:
        raise CheckpointError(f"{what} is empty")
    bad = _CONTROL.search(line)
    if bad:
        raise CheckpointError(f"{what} contains control character {bad.group()!r}")


@dataclass(frozen=True)
class Checkpoint:
    """One tree head: the log ``origin``, ``size`` leaves, their ``root`` hash, extension lines."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_line("origin line", self.origin)
        if isinstance(self.size, bool) or not isinstance(self.size, int):
            raise CheckpointError(f"tree size must be an int, not {type(self.size).__name__}")
        if not 0 <= self.size <= MAX_TREE_SIZE:
            raise CheckpointError(f"tree size {self.size} is not in 0..{MAX_TREE_SIZE}")
        if not isinstance(self.root, bytes | bytearray | memoryview):
            raise CheckpointError(f"root hash must be bytes, not {type(self.root).__name__}")
        object.__setattr__(self, "root", bytes(self.root))
        if len(self.root) != HASH_SIZE:
            raise CheckpointError(f"root hash is {len(self.root)} bytes, want {HASH_SIZE}")
        if isinstance(self.extensions, str):
            raise CheckpointError("extensions must be a sequence of lines, not one str")
        object.__setattr__(self, "extensions", tuple(self.extensions))
        for number, line in enumerate(self.extensions, 1):
            _check_line(f"extension line {number}", line)

    def body(self) -> str:
        """The note text that gets signed: one "\\n"-terminated line per field."""
        root = base64.b64encode(self.root).decode("ascii")
        return "".join(
            f"{line}\n" for line in (self.origin, str(self.size), root, *self.extensions)
        )


def _parse_size(line: str) -> int:
    if _DECIMAL.fullmatch(line):
        if len(line) > len(str(MAX_TREE_SIZE)) or int(line) > MAX_TREE_SIZE:
            raise CheckpointError(f"tree size {line[:40]} exceeds {MAX_TREE_SIZE}")
        return int(line)
    if re.fullmatch(r"-[0-9]+", line):
        raise CheckpointError(f"tree size {line[:40]!r} is negative")
    if re.fullmatch(r"0[0-9]+", line):
        raise CheckpointError(f"tree size {line[:40]!r} has leading zeros")
    raise CheckpointError(f"tree size {line[:40]!r} is not an ASCII decimal number")


def _parse_root(line: str) -> bytes:
    try:
        root = base64.b64decode(line, validate=True)
    except (binascii.Error, ValueError):
        raise CheckpointError(f"root hash {line[:60]!r} is not standard base64") from None
    if base64.b64encode(root).decode("ascii") != line:  # e.g. non-zero padding bits
        raise CheckpointError(f"root hash {line[:60]!r} is not canonical base64")
    if len(root) != HASH_SIZE:
        raise CheckpointError(f"root hash is {len(root)} bytes, want {HASH_SIZE}")
    return root


def parse_checkpoint(text: str | bytes, origin: str | None = None) -> Checkpoint:
    """Parse a checkpoint body (the note text, signatures removed); CheckpointError if malformed.

    With ``origin``, the checkpoint must be that log's. Extension lines are kept as they are:
    they are opaque to this layer.
    """
    if isinstance(text, bytes | bytearray | memoryview):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError:
            raise CheckpointError("checkpoint is not valid UTF-8") from None
    if not isinstance(text, str):
        raise CheckpointError(f"checkpoint must be str or bytes, not {type(text).__name__}")
    if not text.endswith("\n"):
        raise CheckpointError("checkpoint text must end with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        missing = ("origin line", "tree size line", "root hash line")[len(lines) :]
        raise CheckpointError(f"checkpoint has {len(lines)} line(s), missing the {missing[0]}")
    _check_line("origin line", lines[0])
    checkpoint = Checkpoint(
        lines[0], _parse_size(lines[1]), _parse_root(lines[2]), tuple(lines[3:])
    )
    if origin is not None and checkpoint.origin != origin:
        raise CheckpointError(f"checkpoint origin {checkpoint.origin!r}, want {origin!r}")
    return checkpoint


def sign_checkpoint(
    checkpoint: Checkpoint,
    signers: Iterable[note.Signer],
    existing: Iterable[note.Signature] = (),
) -> str:
    """The signed note for ``checkpoint``: ``existing`` signatures kept, one more per signer.

    A log signs with its key named as the origin; a witness passes the log's signature (and
    earlier cosignatures) as ``existing`` and its own key as the signer. A note with no
    signature under the origin's name is refused, as ``open_checkpoint`` would refuse it.
    ``existing`` signatures are not checked here (their keys are not known).
    """
    signers = list(signers)
    existing = list(existing)
    if not any(s.name == checkpoint.origin for s in (*signers, *existing)):
        raise CheckpointError(f"no signature by a key named as the origin {checkpoint.origin!r}")
    return note.sign(checkpoint.body(), signers, existing)


def open_checkpoint(
    note_text: str | bytes, verifier: note.Verifier, origin: str | None = None
) -> tuple[Checkpoint, note.Note]:
    """Verify the log's signature on a signed checkpoint and parse it.

    The log's key must be named as the checkpoint's origin (and as ``origin``, if given), so a
    key can only vouch for the log it is named after. Other signatures (witness cosignatures)
    are kept in ``Note.unverified``. Raises NoteError for the signature, CheckpointError for
    the text or a name mismatch.
    """
    if origin is not None and verifier.name != origin:
        raise CheckpointError(f"log key is named {verifier.name!r}, not as the origin {origin!r}")
    opened = note.open_note(note_text, [verifier])
    try:
        checkpoint = parse_checkpoint(opened.text)
    except CheckpointError as e:
        raise CheckpointError(f"signed by {verifier.name}: {e}") from None
    if checkpoint.origin != verifier.name:
        raise CheckpointError(
            f"checkpoint origin {checkpoint.origin!r} is not the log key's name {verifier.name!r}"
        )
    return checkpoint, opened
