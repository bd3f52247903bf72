"""`enduse log`: the transparency log of this installation (C2SP tlog-tiles)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from enduse.cli.common import USAGE, emit, err, fail, out, stdout_may_close, user_errors
from enduse.config import database_url, home, key_passphrase
from enduse.docs import note
from enduse.files import read_capped
from enduse.tlog import merkle
from enduse.tlog.checkpoint import CheckpointError, open_checkpoint
from enduse.tlog.cosigning import Policy, WitnessConfig, cosign
from enduse.tlog.local import LocalLog
from enduse.tlog.log import MAX_ENTRY_BYTES, LogError, TileLog
from enduse.tlog.proof import (
    MAX_PROOF_BYTES,
    ProofFormatError,
    TlogProof,
    parse_proof,
    verify_proof,
)
from enduse.tlog.storage import DirectoryStorage
from enduse.tlog.verify_dir import DirectoryInvalid, verify_directory

app = typer.Typer(no_args_is_help=True, help="The transparency log: append, checkpoints, proofs.")
BATCH = 4096


def _local() -> LocalLog:
    return LocalLog(home(), key_passphrase(), database_url())


@app.command("init")
def init(
    origin: Annotated[str, typer.Option(help="the log's name, e.g. log.mod.gov.cz/enduse")],
) -> None:
    """Create the log and its signing key; prints the verifier key (vkey)."""
    with user_errors():
        try:
            vkey = _local().init(origin)
        except LogError as e:
            raise ValueError(str(e)) from None
    emit(vkey)


@app.command("append")
def append(
    files: Annotated[list[Path] | None, typer.Argument(help="each file is one entry")] = None,
) -> None:
    """Append each file (or each line of standard input) as one entry; prints each index once durable."""
    with user_errors():
        try:
            entries = [read_capped(f, MAX_ENTRY_BYTES) for f in files or []]
            with _local().writer() as log:
                if not files:
                    _append_lines(log)
                for start in range(0, len(entries), BATCH):
                    batch = entries[start : start + BATCH]
                    _acknowledge(log.append(batch), len(batch))
        except LogError as e:
            raise ValueError(str(e)) from None


def _acknowledge(first: int, count: int) -> None:
    sys.stdout.write("".join(f"{i}\n" for i in range(first, first + count)))
    sys.stdout.flush()


def _append_lines(log: TileLog) -> None:
    """Lines as they arrive, each batch what is available (up to BATCH), so acks flow steadily."""
    stream = sys.stdin.buffer
    pending = bytearray()
    while True:
        chunk = stream.read1(1 << 20) if hasattr(stream, "read1") else stream.read(1 << 20)
        if not chunk:
            break
        pending += chunk
        end = pending.rfind(b"\n")
        if end < 0:
            if len(pending) > MAX_ENTRY_BYTES:  # refuse a line at once, not after reading it all
                raise LogError(
                    f"a line longer than {MAX_ENTRY_BYTES} bytes: entries are at most that"
                )
            continue
        lines = bytes(pending[:end]).split(b"\n")
        del pending[: end + 1]
        for start in range(0, len(lines), BATCH):
            batch = lines[start : start + BATCH]
            _acknowledge(log.append(batch), len(batch))
    if pending:
        _acknowledge(log.append([bytes(pending)]), 1)


@app.command("checkpoint")
def checkpoint() -> None:
    """Print the latest signed checkpoint."""
    with user_errors():
        try:
            text = _local().reader().checkpoint_text
        except LogError as e:
            raise ValueError(str(e)) from None
    with stdout_may_close():
        sys.stdout.write(text)


@app.command("prove")
def prove(
    index: Annotated[int, typer.Option(min=0, help="the entry's index")],
    size: Annotated[int | None, typer.Option(min=1, help="tree size (default: latest)")] = None,
) -> None:
    """Print a C2SP tlog-proof for entry INDEX against the checkpoint of size SIZE."""
    with user_errors():
        try:
            log = _local().reader()
            text = log.checkpoint_text if size in (None, log.size) else log.published(size)
            proof = TlogProof(index, tuple(log.inclusion_proof(index, size)), text)
        except LogError as e:
            raise ValueError(str(e)) from None
    with stdout_may_close():
        sys.stdout.write(proof.text())


@app.command("verify-proof")
def verify_proof_command(
    proof_file: Annotated[Path, typer.Argument(help="a .tlog-proof file")],
    vkey: Annotated[str, typer.Option(help="the log's verifier key")],
    entry: Annotated[Path | None, typer.Option(help="the entry it proves")] = None,
) -> None:
    """Exit 0 when the proof verifies (and is for this entry, when given)."""
    try:
        verifier = note.parse_vkey(vkey)
        proof = parse_proof(read_capped(proof_file, MAX_PROOF_BYTES))
        leaf = merkle.leaf_hash(read_capped(entry, MAX_ENTRY_BYTES)) if entry else None
        cp = verify_proof(proof, verifier, leaf)
    except OSError as e:
        raise fail(f"{e.filename}: {e.strerror}", USAGE) from None
    except (note.NoteError, CheckpointError, ProofFormatError, merkle.ProofError, ValueError) as e:
        out.print(f"invalid  {e}", markup=False)
        raise typer.Exit(1) from None
    what = "entry" if entry else "index"
    out.print(f"valid  {what} {proof.index} is in {cp.origin} at size {cp.size}", markup=False)


@app.command("consistency")
def consistency(
    old: Annotated[Path, typer.Option(help="an older checkpoint of this log")],
) -> None:
    """Print a consistency proof from OLD to the latest checkpoint, and verify it."""
    with user_errors():
        try:
            log = _local().reader()
            verifier = note.parse_vkey(_local().vkey())
            old_cp, _ = open_checkpoint(
                read_capped(old, 1 << 20).decode("utf-8", "replace"), verifier, log.origin
            )
            if old_cp.size > log.size:
                raise LogError(
                    f"the old checkpoint ({old_cp.size}) is larger than the log ({log.size})"
                )
            proof = log.consistency_proof(old_cp.size)
            merkle.verify_consistency(
                old_cp.size, log.size, proof, old_cp.root, log.checkpoint.root
            )
        except (LogError, CheckpointError, merkle.ProofError) as e:
            raise ValueError(str(e)) from None
    import base64

    with stdout_may_close():
        emit(f"consistency {old_cp.size} {log.size}")
        for h in proof:
            emit(base64.b64encode(h).decode("ascii"))
    err.print(f"verified: size {old_cp.size} grew into size {log.size}", markup=False)


@app.command("verify-dir")
def verify_dir(
    directory: Annotated[Path, typer.Argument(help="a tlog-tiles directory")],
    vkey: Annotated[str, typer.Option(help="the log's verifier key")],
) -> None:
    """Check a whole log directory: checkpoint signature, every tile, the root."""
    try:
        result = verify_directory(DirectoryStorage(directory), note.parse_vkey(vkey))
    except (DirectoryInvalid, note.NoteError, CheckpointError, merkle.ProofError, ValueError) as e:
        out.print(f"invalid  {e}", markup=False)
        raise typer.Exit(1) from None
    out.print(f"valid  size {result.size} root {result.root.hex()}", markup=False)


@app.command("witness-add")
def witness_add(
    url: Annotated[
        str, typer.Option(help="the witness's submission prefix, e.g. http://127.0.0.1:8086")
    ],
    vkey: Annotated[str, typer.Option(help="the witness's cosignature verifier key")],
) -> None:
    """Ask this witness to cosign from now on."""
    with user_errors():
        note.parse_vkey(vkey)
        path = home() / "log-witnesses.json"
        policy = Policy.load(path)
        if any(w.vkey == vkey for w in policy.witnesses):
            raise ValueError("that witness is already configured")
        policy.witnesses.append(WitnessConfig(url, vkey))
        policy.save(path)
    out.print(f"{len(policy.witnesses)} witnesses configured", markup=False)


@app.command("cosign")
def cosign_command(
    quorum: Annotated[
        int | None, typer.Option(min=1, help="cosignatures needed (default: all)")
    ] = None,
) -> None:
    """Gather cosignatures on the latest checkpoint; publish it cosigned when the quorum is met."""
    with user_errors():
        path = home() / "log-witnesses.json"
        policy = Policy.load(path)
        if not policy.witnesses:
            raise ValueError("no witnesses: add one with `enduse log witness-add`")
        policy.quorum = quorum or policy.quorum or len(policy.witnesses)
        try:
            with _local().writer() as log:
                outcome = cosign(log, policy)
        except LogError as e:
            raise ValueError(str(e)) from None
        policy.save(path)
    for name, why in outcome.failures.items():
        err.print(f"{name}: {why}", markup=False)
    done = len(outcome.cosigned_by)
    if not outcome.published:
        out.print(f"not published: {done} of {policy.quorum} cosignatures", markup=False)
        raise typer.Exit(1)
    with stdout_may_close():
        sys.stdout.write(outcome.checkpoint)
