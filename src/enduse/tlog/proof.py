"""C2SP tlog-proof: an offline proof that an entry is in the log, with the checkpoint it is in.

A document holder keeps one of these beside the document; anyone with the
log's verifier key (and the witnesses', for a cosigned checkpoint) can check
it without asking the log.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from enduse.docs import note
from enduse.tlog import merkle
from enduse.tlog.checkpoint import Checkpoint, open_checkpoint

HEADER = "c2sp.org/tlog-proof@v1"
MAX_PROOF_BYTES = 1 << 20
MAX_HASHES = 63  # a tree of 2**63 entries has 63 levels
_INDEX = re.compile(r"index (0|[1-9][0-9]{0,18})")


class ProofFormatError(ValueError):
    pass


@dataclass(frozen=True)
class TlogProof:
    index: int
    hashes: tuple[bytes, ...]
    checkpoint: str  # the signed checkpoint note, verbatim
    extra: bytes | None = None

    def text(self) -> str:
        lines = [HEADER]
        if self.extra is not None:
            lines.append("extra " + base64.b64encode(self.extra).decode("ascii"))
        lines.append(f"index {self.index}")
        lines += [base64.b64encode(h).decode("ascii") for h in self.hashes]
        return "\n".join(lines) + "\n\n" + self.checkpoint


def _b64(value: str, line: int) -> bytes:
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ProofFormatError(f"line {line}: not standard base64") from None
    if base64.b64encode(raw).decode("ascii") != value:
        raise ProofFormatError(f"line {line}: non-canonical base64")
    return raw


def parse_proof(text: str | bytes) -> TlogProof:
    if len(text) > MAX_PROOF_BYTES:
        raise ProofFormatError(f"proof larger than {MAX_PROOF_BYTES} bytes")
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise ProofFormatError("proof is not UTF-8") from None
    head, sep, checkpoint = text.partition("\n\n")
    if not sep or not checkpoint:
        raise ProofFormatError("no empty line before the checkpoint")
    lines = head.split("\n")
    if lines[0] != HEADER:
        raise ProofFormatError(f"line 1: expected {HEADER!r}")
    pos, extra = 1, None
    if pos < len(lines) and lines[pos].startswith("extra "):
        extra = _b64(lines[pos][len("extra ") :], pos + 1)
        pos += 1
    if pos >= len(lines) or not _INDEX.fullmatch(lines[pos]):
        raise ProofFormatError(f"line {pos + 1}: expected 'index N' (decimal, no leading zeros)")
    index = int(lines[pos][len("index ") :])
    hashes = []
    for n, line in enumerate(lines[pos + 1 :], start=pos + 2):
        digest = _b64(line, n)
        if len(digest) != merkle.HASH_SIZE:
            raise ProofFormatError(f"line {n}: a proof hash is 32 bytes, not {len(digest)}")
        hashes.append(digest)
    if len(hashes) > MAX_HASHES:
        raise ProofFormatError(f"{len(hashes)} proof hashes; at most {MAX_HASHES}")
    return TlogProof(index, tuple(hashes), checkpoint, extra)


def verify_proof(
    proof: TlogProof, verifier: note.Verifier, leaf_hash: bytes | None = None
) -> Checkpoint:
    """Check the checkpoint's signature and, given the entry's leaf hash, its inclusion.

    Raises NoteError / CheckpointError for the checkpoint, ProofError for the path.
    """
    checkpoint, _ = open_checkpoint(proof.checkpoint, verifier, verifier.name)
    if leaf_hash is not None:
        merkle.verify_inclusion(
            leaf_hash, proof.index, checkpoint.size, proof.hashes, checkpoint.root
        )
    elif proof.index >= checkpoint.size:
        raise merkle.ProofError(f"index {proof.index} >= size {checkpoint.size}")
    return checkpoint
