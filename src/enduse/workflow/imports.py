"""Recording a bundle is a state change like any other: one log entry per object recorded."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import Session

from enduse.registry.bundle_io import Imported, Recorded, import_bundle
from enduse.workflow.logbook import Change, record_changes
from enduse.workflow.roles import Action, User, authorize


@contextmanager
def collector_paused() -> Iterator[None]:
    """A bundle is hundreds of thousands of long-lived objects: the cyclic garbage collector
    would rescan them all again and again (half the time of a large import) to free nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _log(session: Session) -> Any:
    def queue(batch: list[Recorded]) -> None:
        record_changes(session, [
            Change("recorded", r.key, r.collection, r.state, r.document, r.signed) for r in batch
        ])  # fmt: skip

    return queue


def record_bundle(session: Session, data: Any, by: User | None = None) -> Imported:
    """Import a bundle and queue its log entries, in the caller's transaction."""
    if by is not None:
        authorize(by, Action.IMPORT)
    with collector_paused():
        return import_bundle(session, data, on_recorded=_log(session))
