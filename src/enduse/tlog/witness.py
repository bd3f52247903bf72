"""A C2SP tlog-witness: cosign a log's checkpoint only if it is consistent with what it saw before.

The witness keeps, per log origin, the size and root it last cosigned. A log
that shows one history to one state and another to a second cannot get both
cosigned by the same witness, and a client that requires k of n witnesses
catches the split. Checking the old size and recording the new one happen
under one lock, so two concurrent requests cannot roll the record back.
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import json
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from enduse.docs import note
from enduse.files import write_durably
from enduse.tlog import merkle
from enduse.tlog.checkpoint import CheckpointError, open_checkpoint

MAX_REQUEST_BYTES = 64 * 1024
MAX_PROOF_LINES = 63
_OLD = re.compile(r"old (0|[1-9][0-9]{0,19})")


@dataclass(frozen=True)
class Response:
    status: int
    body: str
    content_type: str = "text/plain; charset=utf-8"


def _bad(message: str) -> Response:
    return Response(400, message + "\n")


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """Check-and-record is atomic across processes too (two `serve` on one home)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


class Witness:
    def __init__(
        self, signer: note.CosignatureSigner, logs: list[note.Verifier], state_file: Path
    ) -> None:
        self.signer = signer
        self.logs = {v.name: v for v in logs}
        self.state_file = state_file
        self._lock = threading.Lock()

    def _state(self) -> dict[str, dict[str, object]]:
        try:
            return json.loads(self.state_file.read_text("utf-8"))
        except FileNotFoundError:
            return {}

    def latest(self, origin: str) -> tuple[int, bytes | None]:
        entry = self._state().get(origin)
        if not entry:
            return 0, None
        return int(entry["size"]), base64.b64decode(str(entry["root"]))  # type: ignore[arg-type]

    def add_checkpoint(self, body: bytes) -> Response:
        """POST <prefix>/add-checkpoint, with the status codes tlog-witness defines."""
        if len(body) > MAX_REQUEST_BYTES:
            return _bad(f"request larger than {MAX_REQUEST_BYTES} bytes")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return _bad("request is not UTF-8")
        head, sep, checkpoint_text = text.partition("\n\n")
        if not sep:
            return _bad("no empty line before the checkpoint")
        lines = head.split("\n")
        if not _OLD.fullmatch(lines[0]):
            return _bad("first line must be 'old N' (decimal, no leading zeros)")
        old = int(lines[0][4:])
        if len(lines) - 1 > MAX_PROOF_LINES:
            return _bad(f"more than {MAX_PROOF_LINES} consistency proof lines")
        proof = []
        for n, line in enumerate(lines[1:], start=2):
            try:
                digest = base64.b64decode(line, validate=True)
            except (binascii.Error, ValueError):
                return _bad(f"line {n}: not base64")
            if len(digest) != merkle.HASH_SIZE:
                return _bad(f"line {n}: a proof hash is 32 bytes")
            proof.append(digest)
        origin = checkpoint_text.split("\n", 1)[0]
        verifier = self.logs.get(origin)
        if verifier is None:
            return Response(404, f"unknown log {origin!r}\n")
        try:
            checkpoint, _ = open_checkpoint(checkpoint_text, verifier, origin)
        except note.NoteError as e:
            if e.reason in ("unknown_key", "invalid_signature", "ambiguous_key"):
                return Response(403, f"no trusted signature: {e}\n")
            return _bad(f"malformed checkpoint note: {e}")
        except CheckpointError as e:
            return _bad(f"malformed checkpoint: {e}")
        if old > checkpoint.size:
            return _bad(f"old size {old} is larger than the checkpoint's {checkpoint.size}")
        with self._lock, _file_lock(self.state_file.with_suffix(".lock")):
            size, root = self.latest(origin)
            if old != size:
                return Response(409, f"{size}\n", "text/x.tlog.size")
            if old == 0 and proof:
                return _bad("the proof must be empty when the old size is 0")
            if old == checkpoint.size and root is not None and root != checkpoint.root:
                return Response(409, f"{size}\n", "text/x.tlog.size")
            if old > 0 and root is not None:
                try:
                    merkle.verify_consistency(old, checkpoint.size, proof, root, checkpoint.root)
                except merkle.ProofError as e:
                    return Response(422, f"consistency proof does not verify: {e}\n")
            self._record(origin, checkpoint.size, checkpoint.root)
        line = note.sign(checkpoint.body(), [self.signer]).split("\n\n")[-1]
        return Response(200, line)

    def _record(self, origin: str, size: int, root: bytes) -> None:
        state = self._state()
        state[origin] = {"size": size, "root": base64.b64encode(root).decode("ascii")}
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        write_durably(
            self.state_file, (json.dumps(state, indent=1, sort_keys=True) + "\n").encode()
        )
