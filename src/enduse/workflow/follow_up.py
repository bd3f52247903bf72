"""What follows a committed change: its log entries appended, the parties it added screened.

Both run after the change's own transaction, each in transactions of their own: a change is
recorded even when the log or the screening lists are unavailable, and the next change (or
command, or request) resumes what waits. Shared by the command line and the web server.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from enduse.registry.models import LogEntryRow, PartyRow, ScreeningRow
from enduse.screening.index import IndexMissing
from enduse.screening.screen import Screener
from enduse.screening.store import ListStore, StoreError
from enduse.tlog.local import LocalLog
from enduse.tlog.log import LogError
from enduse.workflow.logbook import lock_publication, publish
from enduse.workflow.screening import screen_pending, versions

SCREEN_BATCH = 50
Progress = Callable[[int, int], None]  # (screened so far, total waiting)


def publish_changes(sessions: sessionmaker[Session], local: LocalLog) -> str:
    """Append what the registry queued to the log; say what happened."""
    try:
        local.vkey()
    except LogError:
        with sessions() as session:
            waiting = session.scalar(select(func.count()).where(LogEntryRow.log_index.is_(None)))
        return f"no log yet: {waiting} changes wait for `enduse log init --origin ...`"
    try:
        with sessions() as session, session.begin():
            lock_publication(session)  # before the log is opened: what it reads is then current
            with local.writer() as log:
                done = publish(session, log)
    except LogError as e:
        return f"the log was not written ({e}); the changes wait, and the next command appends them"
    return f"logged {done.appended} changes" + (
        f" ({done.recovered} recovered)" if done.recovered else ""
    )


def screen_changes(
    sessions: sessionmaker[Session], lists: Path, progress: Progress | None = None
) -> str:
    """Screen the parties not yet screened against the current lists and denials (new parties,
    or all of them after a list update), in batches, each committed. A failure is reported,
    not raised: the change that came before was already recorded, and the next run resumes."""
    try:
        return _screen_changes(sessions, lists, progress)
    except (sqlite3.Error, SQLAlchemyError, OSError, ValueError, IndexMissing, StoreError) as e:
        return f"screening stopped ({str(e).splitlines()[0]}); the next command resumes it"


def lists_loaded(lists: Path) -> bool:
    path = lists / "lists.sqlite"
    if not path.exists():
        return False
    store = ListStore(path)
    try:
        return store.version > 0
    finally:
        store.close()


def _screen_changes(sessions: sessionmaker[Session], lists: Path, progress: Progress | None) -> str:
    with sessions() as session:
        screener = None
        try:
            screener = Screener(lists)
        except IndexMissing:
            if lists_loaded(lists):
                raise  # lists exist but their index does not: screening against none would lie
        try:
            now = versions(session, screener)
            done = (
                select(func.count())
                .select_from(ScreeningRow)
                .where(
                    ScreeningRow.list_version == now.lists,
                    ScreeningRow.denials_version == now.denials,
                )
            )
            waiting = (session.scalar(select(func.count()).select_from(PartyRow)) or 0) - (
                session.scalar(done) or 0
            )
            session.rollback()
            if waiting <= 0:
                return "every party screened"
            screened = 0
            while True:
                with session.begin():
                    n = screen_pending(session, screener, limit=SCREEN_BATCH)
                if not n:
                    break
                screened += n
                if progress is not None:
                    progress(screened, waiting)
        finally:
            if screener is not None:
                screener.close()
    listed = f"lists version {now.lists}" if screener else "no lists loaded"
    return f"screened {screened} parties ({listed}, {now.denials} denials)"
