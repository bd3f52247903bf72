"""Loading a list: read the file, replace the list in the store, rebuild the index."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from enduse.screening.entities import EntityFileError, ReadStats, read_entities
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
    read_progress: Callable[[int], None] = lambda n: None,
    index_progress: Callable[[int], None] = lambda n: None,
) -> Loaded:
    """Load (or update) list `dataset` from an FtM entity file; nothing changes if a line is bad
    and `skip_bad` is not set. `read_progress` gets bytes read, `index_progress` entities indexed."""
    if not dataset or len(dataset) > 100 or any(c.isspace() for c in dataset):
        raise ValueError(f"bad list name {dataset!r}: 1 to 100 characters, no spaces")
    stats = ReadStats()
    store = ListStore(directory / "lists.sqlite")
    try:
        with path.open("rb") as stream:

            def entities():  # type: ignore[no-untyped-def]
                last = 0
                for entity in read_entities(stream, stats):
                    position = stream.tell()
                    read_progress(position - last)
                    last = position
                    yield entity

            def accept() -> None:
                if stats.bad and not skip_bad:
                    raise EntityFileError(stats.bad)

            report = store.load(dataset, entities(), str(path), accept=accept)
        built = build_index(store, directory / "index", index_progress)
    finally:
        store.close()
    return Loaded(report, stats, built)
