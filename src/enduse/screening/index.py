"""The candidate index: retrieval keys → the entities that have them, on disk, memory-mapped.

Four numpy arrays replace a search server: the sorted 64-bit hashes of every
key, where each key's postings start, the postings (entity ordinals), and the
schema of each entity. Opening the index maps the files (a one-shot `enduse
screen` starts in milliseconds; the operating system shares the pages between
processes); a query touches only its keys' postings.

A candidate's retrieval score is the sum, over the keys it shares with the
query, of the key kind's weight times the key's rarity (inverse document
frequency). Keys held by more than `MAX_POSTINGS` entities ("_iv", "ova") are
not worth reading: they would cost more than all the others and say little.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from enduse.files import write_durably
from enduse.screening.features import key_weight
from enduse.screening.store import ListStore

INDEX_FORMAT = "enduse.screening-index/1"
MAX_POSTINGS = 50_000
SCHEMA_CODES = {
    "Person": 1,
    "Company": 2,
    "Organization": 3,
    "LegalEntity": 4,
    "Vessel": 5,
    "Airplane": 6,
}
# A query of one schema may be matched by an entity of these (FtM's matchable schemata).
COMPATIBLE = {
    "Person": ("Person", "LegalEntity"),
    "Company": ("Company", "Organization", "LegalEntity"),
    "Organization": ("Organization", "Company", "LegalEntity"),
    "LegalEntity": ("LegalEntity", "Person", "Company", "Organization"),
    "Vessel": ("Vessel",),
    "Airplane": ("Airplane",),
}


def key_hash(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little")


class IndexMissing(RuntimeError):
    pass


@dataclass(frozen=True)
class Built:
    entities: int
    keys: int
    postings: int


POINTER = "CURRENT"  # names the directory of the index in use; replaced atomically


def build_index(
    store: ListStore, directory: Path, progress: Callable[[int], None] = lambda n: None
) -> Built:
    """Build the index of everything in `store` under `directory`, then switch to it at once:
    readers see the old index or the new one, never a missing or a half-written one. The
    caller holds the lists' lock (one load or build at a time)."""
    store_version = (
        store.version
    )  # read before the keys: the index claims no newer lists than it holds
    vocabulary: dict[str, int] = {}
    key_ids, ordinals = array("i"), array("i")
    size = store.max_ordinal() + 1
    schemata = np.zeros(size, dtype=np.uint8)
    entities = 0
    for batch in store.keyed():
        for ordinal, schema, keys in batch:
            schemata[ordinal] = SCHEMA_CODES.get(schema, 0)
            for key in keys.split():
                key_ids.append(vocabulary.setdefault(key, len(vocabulary)))
                ordinals.append(ordinal)
        entities += len(batch)
        progress(len(batch))
    ids = np.frombuffer(key_ids, dtype=np.int32)
    order = np.argsort(ids, kind="stable")
    postings = np.frombuffer(ordinals, dtype=np.int32)[order]
    counts = np.bincount(ids, minlength=len(vocabulary)).astype(np.int64)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
    hashes = np.fromiter((key_hash(k) for k in vocabulary), dtype=np.uint64, count=len(vocabulary))
    weights = np.fromiter(
        (key_weight(k) for k in vocabulary), dtype=np.float32, count=len(vocabulary)
    )
    by_hash = np.argsort(hashes)
    name = f"v{store_version}-{os.getpid()}-{time.monotonic_ns()}"
    target = directory / name
    target.mkdir(parents=True)
    arrays = {
        "hashes": hashes[by_hash], "starts": starts[by_hash], "counts": counts[by_hash],
        "weights": weights[by_hash], "postings": postings, "schemata": schemata,
    }  # fmt: skip
    for array_name, values in arrays.items():
        with open(target / f"{array_name}.npy", "wb") as f:
            np.save(f, values)
            f.flush()
            os.fsync(f.fileno())
    meta = {"format": INDEX_FORMAT, "store_version": store_version, "entities": entities,
            "keys": len(vocabulary), "postings": len(postings)}  # fmt: skip
    write_durably(target / "meta.json", json.dumps(meta).encode())
    write_durably(directory / POINTER, name.encode())  # the switch: one atomic rename
    for old in directory.iterdir():  # readers that still map an old one keep their pages
        if old.is_dir() and old.name != name:
            shutil.rmtree(old, ignore_errors=True)
    return Built(entities, len(vocabulary), len(postings))


class CandidateIndex:
    def __init__(self, root: Path) -> None:
        try:
            directory = root / (root / POINTER).read_text().strip()
            self.meta = json.loads((directory / "meta.json").read_text())
            load = lambda name: np.load(directory / f"{name}.npy", mmap_mode="r")  # noqa: E731
            self.hashes, self.starts, self.counts = load("hashes"), load("starts"), load("counts")
            self.weights, self.postings, self.schemata = (
                load("weights"),
                load("postings"),
                load("schemata"),
            )
        except (OSError, ValueError):
            raise IndexMissing(
                f"no screening index in {root}: load a list first (`enduse lists load FILE`)"
            ) from None
        if self.meta.get("format") != INDEX_FORMAT:
            raise IndexMissing(
                f"{directory} holds an index of another format: load the lists again"
            )
        self.size = len(self.schemata)
        self.entities = max(int(self.meta["entities"]), 1)

    @property
    def store_version(self) -> int:
        return int(self.meta["store_version"])

    def candidates(self, keys: Iterable[str], schema: str | None, limit: int) -> list[int]:
        """The `limit` entities sharing the most (rarest, weightiest) keys with the query.

        Keys held by more than MAX_POSTINGS entities are skipped unless the query has nothing
        rarer, so even a name made only of common parts finds its candidates.
        """
        hashes = np.array(sorted({key_hash(k) for k in keys}), dtype=np.uint64)
        if not len(hashes) or not len(self.hashes):
            return []
        at = np.searchsorted(self.hashes, hashes)
        inside = at < len(self.hashes)
        at, hashes = at[inside], hashes[inside]
        at = at[self.hashes[at] == hashes]
        if not len(at):
            return []
        counts = np.asarray(self.counts[at])
        chosen = at[counts <= MAX_POSTINGS]
        if not len(chosen):
            chosen = at[np.argsort(counts)[:1]]
        counts = np.asarray(self.counts[chosen])
        starts = np.asarray(self.starts[chosen])
        idf = np.log1p(self.entities / np.maximum(counts, 1)).astype(np.float32)
        per_key = np.asarray(self.weights[chosen]) * idf
        ordinals = np.concatenate(
            [self.postings[s : s + c] for s, c in zip(starts, counts, strict=True)]
        )
        scores = np.repeat(per_key, counts)
        if len(ordinals) * 8 < self.size:  # few postings: work on them, not on every entity
            touched, inverse = np.unique(ordinals, return_inverse=True)
            total = np.bincount(inverse, weights=scores)
        else:
            dense = np.bincount(ordinals, weights=scores)
            touched = np.flatnonzero(dense)
            total = dense[touched]
        if schema is not None and schema in COMPATIBLE:
            allowed = np.array([SCHEMA_CODES[s] for s in COMPATIBLE[schema]], dtype=np.uint8)
            keep = np.isin(self.schemata[touched], allowed)
            touched, total = touched[keep], total[keep]
        if len(touched) > limit:
            best = np.argpartition(total, -limit)[-limit:]
            touched, total = touched[best], total[best]
        order = np.lexsort((touched, -total))  # best first; ties by recording order
        return [int(o) for o in touched[order]]
