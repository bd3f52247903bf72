"""Recording a bundle is a state change like any other: one log entry per object recorded."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from enduse.registry.bundle_io import Imported, import_bundle
from enduse.workflow.logbook import record_change
from enduse.workflow.roles import Action, User, authorize


def record_bundle(session: Session, data: Any, by: User | None = None) -> Imported:
    """Import a bundle and queue its log entries, in the caller's transaction."""
    if by is not None:
        authorize(by, Action.IMPORT)
    imported = import_bundle(session, data)
    for r in imported.records:
        record_change(
            session,
            change="recorded",
            record=r.key,
            doc_type=r.collection,
            issuer_state=r.state,
            document=r.document,
            signed=r.signed,
        )
    return imported
