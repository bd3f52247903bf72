"""The loaded lists: every entity once per list, its retrieval keys, and each load as a version.

An embedded SQLite file under ENDUSE_HOME (`screening/lists.sqlite`), separate
from the registry: lists are reference data that every installation loads
from the same exports, and screening must work without a database server.
Plain `sqlite3` rather than SQLAlchemy: one file, one writer, bulk loads,
and a schema this module owns end to end (checked by `SCHEMA_VERSION`).

A load is one transaction: a file with a bad line loads nothing (unless told
to skip bad lines), and a reload of a list reports what was added, changed
and removed.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from enduse.screening.entities import ListEntity, parse_entity
from enduse.screening.features import KEYS_VERSION, entity_keys

SCHEMA_VERSION = "2"
MAX_SHRINK = 0.5  # a reload that would remove more than this share of a list needs allow_shrink
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entities (
    ordinal INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: a stale index cannot point elsewhere
    dataset TEXT NOT NULL,
    id TEXT NOT NULL,
    schema TEXT NOT NULL,
    caption TEXT NOT NULL,
    countries TEXT NOT NULL,
    datasets TEXT NOT NULL,
    data TEXT NOT NULL,
    keys TEXT NOT NULL,
    digest BLOB NOT NULL,
    UNIQUE (dataset, id)
);
CREATE TABLE IF NOT EXISTS versions (
    version INTEGER PRIMARY KEY,
    dataset TEXT NOT NULL,
    source TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    loaded_at TEXT NOT NULL,
    added INTEGER NOT NULL,
    changed INTEGER NOT NULL,
    removed INTEGER NOT NULL,
    total INTEGER NOT NULL
);
"""


class StoreError(RuntimeError):
    pass


class Shrinking(StoreError):
    """A load that would empty a list, or remove most of it: a failed download, more likely."""


@dataclass(frozen=True)
class LoadReport:
    dataset: str
    version: int
    added: int
    changed: int
    removed: int
    unchanged: int
    total: int


@dataclass(frozen=True)
class StoredEntity:
    ordinal: int
    dataset: str
    id: str
    schema: str
    caption: str
    countries: list[str]
    datasets: list[str]
    data: dict[str, Any]
    digest: bytes = b""

    @property
    def version_id(self) -> str:
        """Unique per stored version of an entity: what scoring caches may key on (the list's
        own id is not unique across lists, nor across reloads)."""
        return f"{self.dataset}/{self.ordinal}/{self.digest.hex()}"


class ListStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=600)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)
        found = self.db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if found is None:
            self.db.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        elif found[0] != SCHEMA_VERSION:
            raise StoreError(
                f"{path} was written by another version of enduse (schema {found[0]}): "
                "delete it and load the lists again"
            )

    def close(self) -> None:
        self.db.close()

    def keys_current(self) -> bool:
        found = self.db.execute("SELECT value FROM meta WHERE key = 'keys'").fetchone()
        return (found is not None and found[0] == KEYS_VERSION) or self.count() == 0

    def rekey(self, progress: Callable[[int], None] = lambda n: None) -> int:
        """Recompute every entity's retrieval keys (after an upgrade changed how names are keyed)."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            rows = self.db.execute("SELECT ordinal, data FROM entities").fetchall()
            for start in range(0, len(rows), 1000):
                batch = rows[start : start + 1000]
                for ordinal, data in batch:
                    entity = parse_entity({**json.loads(data), "datasets": []})
                    keys = (
                        entity_keys(
                            entity.names, entity.identifiers, entity.schema, entity.countries
                        )
                        if entity
                        else set()
                    )
                    self.db.execute(
                        "UPDATE entities SET keys = ? WHERE ordinal = ?",
                        (" ".join(sorted(keys)), ordinal),
                    )
                progress(len(batch))
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('keys', ?)", (KEYS_VERSION,))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return len(rows)

    @property
    def version(self) -> int:
        """The lists as they stand: the number of the latest load (0 before any)."""
        return self.db.execute("SELECT coalesce(max(version), 0) FROM versions").fetchone()[0]

    def versions(self) -> list[dict[str, Any]]:
        cursor = self.db.execute("SELECT * FROM versions ORDER BY version")
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM entities").fetchone()[0]

    def load(
        self,
        dataset: str,
        entities: Iterable[ListEntity],
        source: str,
        *,
        accept: Callable[[], None] = lambda: None,
        allow_shrink: bool = False,
    ) -> LoadReport:
        """Replace list `dataset` with `entities`, in one transaction.

        `accept` runs after the last entity and before the commit: raising there
        (bad lines found while reading) leaves the store as it was.
        """
        seen: set[str] = set()
        added = changed = 0
        digest_of_file = hashlib.sha256()
        self.db.execute("BEGIN IMMEDIATE")
        try:
            known = {
                entity_id: (ordinal, digest)
                for ordinal, entity_id, digest in self.db.execute(
                    "SELECT ordinal, id, digest FROM entities WHERE dataset = ?", (dataset,)
                )
            }
            for e in entities:
                if e.id in seen:
                    continue  # an export lists an entity once; a repeat changes nothing
                seen.add(e.id)
                digest_of_file.update(e.digest)
                previous = known.get(e.id)
                if previous is not None and previous[1] == e.digest:
                    continue
                row = (
                    e.schema, e.caption, json.dumps(e.countries), json.dumps(e.datasets),
                    json.dumps(e.data, ensure_ascii=False, separators=(",", ":")),
                    " ".join(sorted(entity_keys(e.names, e.identifiers, e.schema, e.countries))), e.digest,
                )  # fmt: skip
                if previous is None:
                    self.db.execute(
                        "INSERT INTO entities (dataset, id, schema, caption, countries, datasets,"
                        " data, keys, digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (dataset, e.id, *row),
                    )
                    added += 1
                else:
                    self.db.execute(
                        "UPDATE entities SET schema = ?, caption = ?, countries = ?, datasets = ?,"
                        " data = ?, keys = ?, digest = ? WHERE ordinal = ?",
                        (*row, previous[0]),
                    )
                    changed += 1
            accept()
            gone = [known[i][0] for i in known.keys() - seen]
            if not seen:
                raise Shrinking(
                    f"the file holds no entity to screen against: list {dataset} left as it was"
                )
            if known and len(gone) > MAX_SHRINK * len(known) and not allow_shrink:
                raise Shrinking(
                    f"this load would remove {len(gone)} of the {len(known)} entities of list {dataset}: "
                    "a truncated or wrong file? (--allow-shrink loads it anyway)"
                )
            for start in range(0, len(gone), 500):
                chunk = gone[start : start + 500]
                self.db.execute(
                    f"DELETE FROM entities WHERE ordinal IN ({','.join('?' * len(chunk))})", chunk
                )
            cursor = self.db.execute(
                "INSERT INTO versions (dataset, source, sha256, loaded_at, added, changed, removed,"
                " total) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (dataset, source, digest_of_file.hexdigest(), datetime.now(UTC).isoformat(),
                 added, changed, len(gone), len(seen)),
            )  # fmt: skip
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('keys', ?)", (KEYS_VERSION,))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return LoadReport(
            dataset, cursor.lastrowid or 0, added, changed, len(gone),
            len(seen) - added - changed, len(seen),
        )  # fmt: skip

    def keyed(self, batch: int = 10_000) -> Iterator[list[tuple[int, str, str]]]:
        """(ordinal, schema, keys) of every entity, in batches: what the index is built from."""
        cursor = self.db.execute("SELECT ordinal, schema, keys FROM entities ORDER BY ordinal")
        while rows := cursor.fetchmany(batch):
            yield rows

    def max_ordinal(self) -> int:
        return self.db.execute("SELECT coalesce(max(ordinal), 0) FROM entities").fetchone()[0]

    def fetch(self, ordinals: list[int]) -> list[StoredEntity]:
        if not ordinals:
            return []
        rows = self.db.execute(
            "SELECT ordinal, dataset, id, schema, caption, countries, datasets, data, digest FROM entities"
            f" WHERE ordinal IN ({','.join('?' * len(ordinals))})",
            ordinals,
        )
        found = {
            r[0]: StoredEntity(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), json.loads(r[6]),
                               json.loads(r[7]), r[8])
            for r in rows
        }  # fmt: skip
        return [found[o] for o in ordinals if o in found]
