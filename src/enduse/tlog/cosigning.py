"""The log's side of witnessing: ask each witness to cosign, publish when k of n have.

Each witness remembers the last size it cosigned; the client keeps its own
record of it and, when a witness answers 409 with another size, proves
consistency from that size instead.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from enduse.docs import note
from enduse.files import write_durably
from enduse.tlog.log import TileLog

TIMEOUT = 10.0


@dataclass
class WitnessConfig:
    url: str  # the submission prefix; requests go to <url>/add-checkpoint
    vkey: str


@dataclass
class Policy:
    witnesses: list[WitnessConfig] = field(default_factory=list)
    quorum: int = 0  # k of n
    sizes: dict[str, int] = field(default_factory=dict)  # vkey -> size it last cosigned

    @classmethod
    def load(cls, path: Path) -> Policy:
        if not path.exists():
            return cls()
        data = json.loads(path.read_text("utf-8"))
        return cls(
            [WitnessConfig(**w) for w in data.get("witnesses", [])],
            int(data.get("quorum", 0)),
            {k: int(v) for k, v in data.get("sizes", {}).items()},
        )

    def save(self, path: Path) -> None:
        data = {
            "witnesses": [w.__dict__ for w in self.witnesses],
            "quorum": self.quorum,
            "sizes": self.sizes,
        }
        write_durably(path, (json.dumps(data, indent=1, sort_keys=True) + "\n").encode())


@dataclass(frozen=True)
class Outcome:
    cosigned_by: list[str]
    failures: dict[str, str]
    published: bool
    checkpoint: str


def _post(url: str, body: bytes) -> tuple[int, str]:
    request = urllib.request.Request(
        url.rstrip("/") + "/add-checkpoint", data=body, method="POST",
        headers={"Content-Type": "text/plain"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status, response.read(64 * 1024).decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read(64 * 1024).decode("utf-8", "replace")


def _request(log: TileLog, old: int) -> bytes:
    proof = log.consistency_proof(old) if old else []
    lines = [f"old {old}", *(base64.b64encode(h).decode("ascii") for h in proof)]
    return ("\n".join(lines) + "\n\n" + log.checkpoint_text).encode("utf-8")


def _cosignature(body: str, response: str, verifier: note.Verifier) -> note.Signature | None:
    """The witness's signature line in a response, checked over the checkpoint body alone."""
    for line in response.splitlines(keepends=True):
        if not line.startswith("— ") or not line.endswith("\n"):
            continue
        try:
            opened = note.open_note(body + "\n" + line, [verifier])
        except note.NoteError:
            continue
        if opened.verified:
            return opened.verified[0]
    return None


def cosign(log: TileLog, policy: Policy, publish: bool = True) -> Outcome:
    """Gather cosignatures on the log's latest checkpoint; publish it cosigned at quorum.

    Call it with the log opened for writing (under the writer lock), so the
    checkpoint it publishes is still the latest.
    """
    gathered: list[note.Signature] = []
    verifiers: list[note.Verifier] = [log.verifier]
    names, failures = [], {}
    checkpoint_body, existing = note.parse(log.checkpoint_text)
    for witness in policy.witnesses:
        verifier = note.parse_vkey(witness.vkey)
        old = min(policy.sizes.get(witness.vkey, 0), log.size)
        for _ in range(2):  # a 409 tells the size the witness holds: try once more from there
            try:
                status, body = _post(witness.url, _request(log, old))
            except (OSError, urllib.error.URLError) as e:
                status, body = 0, str(e)
            if status == 409 and body.strip().isdigit() and int(body) <= log.size:
                old = int(body)
                continue
            break
        if status != 200:
            failures[verifier.name] = f"HTTP {status}: {body.strip()[:200]}"
            continue
        signature = _cosignature(checkpoint_body, body, verifier)
        if signature is None:
            failures[verifier.name] = "no valid cosignature from its key in the response"
            continue
        gathered.append(signature)
        verifiers.append(verifier)
        names.append(verifier.name)
        policy.sizes[witness.vkey] = log.size
    met = policy.quorum > 0 and len(names) >= policy.quorum
    text = log.checkpoint_text
    if met:
        fresh = {(s.name, s.key_hash) for s in gathered}
        kept = [s for s in existing if (s.name, s.key_hash) not in fresh]  # no duplicate lines
        text = checkpoint_body + "\n" + "".join(s.line() for s in [*kept, *gathered])
        opened = note.open_note(
            text, verifiers
        )  # what we publish verifies, or nothing is published
        assert {s.name for s in opened.verified} >= {log.origin, *names}
        if publish:  # the caller holds the writer lock: nothing newer can be overwritten
            log.storage.write_checkpoint(text.encode("utf-8"))
    return Outcome(names, failures, met, text)
