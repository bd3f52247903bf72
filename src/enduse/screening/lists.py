"""Loading a list: read the file, replace the list in the store, rebuild the index."""

from __future__ import annotations

import fcntl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from enduse.screening.entities import EntityFileError, ListEntity, ReadStats, read_entities
from enduse.screening.features import name_keys
from enduse.screening.index import Built, build_index
from enduse.screening.store import ListStore, LoadReport


@dataclass(frozen=True)
class Loaded:
    report: LoadReport
    read: ReadStats
    index: Built


def load_list(
    directory: Path,
    path: Path,
    dataset: str,
    *,
    skip_bad: bool = False,
    allow_shrink: bool = False,
    read_progress: Callable[[int], None] = lambda n: None,
    index_progress: Callable[[int], None] = lambda n: None,
) -> Loaded:
    """Load (or update) list `dataset` from an FtM entity file; nothing changes if a line is bad
    and `skip_bad` is not set. `read_progress` gets bytes read, `index_progress` entities indexed."""
    if not dataset or len(dataset) > 100 or any(c.isspace() for c in dataset):
        raise ValueError(f"bad list name {dataset!r}: 1 to 100 characters, no spaces")
    stats = ReadStats()
    with lists_lock(directory):
        store = ListStore(directory / "lists.sqlite")
        try:
            if not store.keys_current():  # an upgrade changed how names are keyed
                store.rekey()
            report = _load(store, path, dataset, stats, skip_bad, allow_shrink, read_progress)
            built = build_index(store, directory / "index", index_progress)
        finally:
            store.close()
            name_keys.cache_clear()  # a million names' keys need not outlive the load
    return Loaded(report, stats, built)


def reindex(directory: Path, progress: Callable[[int], None] = lambda n: None) -> Built:
    """Rebuild the index from the store (after an interrupted load, or an upgrade)."""
    with lists_lock(directory):
        store = ListStore(directory / "lists.sqlite")
        try:
            if not store.keys_current():
                store.rekey()
            return build_index(store, directory / "index", progress)
        finally:
            store.close()
            name_keys.cache_clear()


@contextmanager
def lists_lock(directory: Path) -> Iterator[None]:
    """One load or index build at a time, across processes (readers need no lock)."""
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _load(
    store: ListStore,
    path: Path,
    dataset: str,
    stats: ReadStats,
    skip_bad: bool,
    allow_shrink: bool,
    read_progress: Callable[[int], None],
) -> LoadReport:
    with path.open("rb") as stream:

        def entities() -> Iterator[ListEntity]:
            last = 0
            for entity in read_entities(stream, stats):
                position = stream.tell()
                read_progress(position - last)
                last = position
                yield entity

        def accept() -> None:
            if stats.bad and not skip_bad:
                raise EntityFileError(stats.bad)

        return store.load(dataset, entities(), str(path), accept=accept, allow_shrink=allow_shrink)
