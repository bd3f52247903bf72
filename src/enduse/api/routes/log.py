"""The transparency log as JSON: the latest checkpoint with its cosignatures, inclusion and
consistency proofs, and a record's entries. Public, as the log's tiles are: the log exists
so that anyone can check it (entries carry hashes, not documents)."""

import base64
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import select

from enduse.api.context import Installation
from enduse.api.errors import Conflict, NotFound
from enduse.api.online import latest_proof
from enduse.docs import note
from enduse.domain.errors import DomainError, Problem
from enduse.registry import models as m
from enduse.tlog.log import LogError, TileLog
from enduse.tlog.proof import TlogProof
from enduse.workflow.logbook import decode_entry

Index = Annotated[int, Query(ge=0, le=2**62)]


def describe_entry(data: bytes) -> dict[str, Any] | None:
    entry = decode_entry(data)
    if entry is None:
        return None
    return {
        key: base64.b64encode(value).decode("ascii") if isinstance(value, bytes) else value
        for key, value in entry.items()
    }


def log_entries_of(inst: Installation, record: str) -> list[dict[str, Any]]:
    """Every log entry of one record, oldest first, each with its proof when it has one."""
    log = inst.log_reader()
    with inst.read() as session:
        found = session.execute(
            select(m.LogEntryRow.log_index, m.LogEntryRow.entry)
            .where(m.LogEntryRow.record == record)
            .order_by(m.LogEntryRow.seq)
        ).all()
    return [{"index": index, "entry": describe_entry(entry), "proof": latest_proof(log, index)}
            for index, entry in found]  # fmt: skip


def checkpoint_json(log: TileLog) -> dict[str, Any]:
    _, signatures = note.parse(log.checkpoint_text)
    return {
        "origin": log.origin,
        "size": log.size,
        "root_hash": base64.b64encode(log.checkpoint.root).decode("ascii"),
        "signatures": [s.key_id for s in signatures],
        "text": log.checkpoint_text,
    }


def router(inst: Installation) -> APIRouter:
    api = APIRouter(prefix="/log", tags=["log"])

    def opened() -> TileLog:
        log = inst.log_reader()
        if log is None:
            raise Conflict("no_log", "this server has no log yet")
        return log

    @api.get("/checkpoint")
    def checkpoint() -> dict[str, Any]:
        """The latest signed checkpoint: size, root hash, the keys that signed or cosigned it."""
        return checkpoint_json(opened())

    @api.get("/proof")
    def inclusion(
        index: Index, size: Annotated[int | None, Query(ge=1, le=2**62)] = None
    ) -> dict[str, Any]:
        """A C2SP tlog-proof of entry `index` against the checkpoint of `size` (latest if none)."""
        log = opened()
        try:
            text = log.checkpoint_text if size in (None, log.size) else log.published(size)
        except LogError as e:
            raise NotFound("$.size", str(e)) from None
        try:
            proof = TlogProof(index, tuple(log.inclusion_proof(index, size)), text)
            entry = log.entry(index)
        except LogError as e:
            raise NotFound("$.index", str(e)) from None
        return {"index": index, "entry": describe_entry(entry), "proof": proof.text()}

    @api.get("/consistency")
    def consistency(
        old: Index, new: Annotated[int | None, Query(ge=0, le=2**62)] = None
    ) -> dict[str, Any]:
        """The hashes proving the tree of size `new` (latest if none) extends the one of `old`."""
        log = opened()
        if old == 0 and (new is None or new > 0):  # RFC 9162 2.1.4: from a non-empty tree only
            raise DomainError(
                [
                    Problem(
                        "$.old",
                        "empty_tree",
                        "a consistency proof starts from a tree of one entry or more",
                    )
                ]
            )
        try:
            hashes = log.consistency_proof(old, new)
        except LogError as e:
            raise NotFound("$.old", str(e)) from None
        return {"old": old, "new": log.size if new is None else new,
                "hashes": [base64.b64encode(h).decode("ascii") for h in hashes]}  # fmt: skip

    @api.get("/records")
    def record_entries(record: Annotated[str, Query(max_length=250)]) -> dict[str, Any]:
        """Every log entry of one record (e.g. `eucs:CZ-MOD:CZ-MOD-2025-0042`), each with its
        inclusion proof when it is in the log already."""
        entries = log_entries_of(inst, record)
        if not entries:
            raise NotFound("$.record", f"no log entry for {record!r}")
        return {"record": record, "entries": entries}

    return api
