"""What every command shares: the consoles, the state directory, and how errors reach the user."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from sqlalchemy.exc import SQLAlchemyError

from enduse.config import home, key_passphrase
from enduse.docs.keystore import KeystoreError
from enduse.docs.local_pki import LocalPki, PkiError
from enduse.docs.note import NoteError
from enduse.docs.qr import QrError
from enduse.docs.trust_list import TrustListError
from enduse.domain.errors import DomainError


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """Rich would exit 1 here; the command's own exit code must stand."""
        raise BrokenPipeError


# No emoji codes, no highlighting: a Base45 payload contains ":A:", which must stay ":A:".
out = _Console(highlight=False, soft_wrap=True, emoji=False)
err = _Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)


@contextmanager
def stdout_may_close() -> Iterator[None]:
    """A reader that stops early (`| head -1`) has what it wanted: not an error of ours."""
    try:
        yield
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush cannot fail
        os.close(devnull)


def emit(text: str) -> None:
    """A value for machines (payload, kid, key): written exactly, never through Rich."""
    typer.echo(text)


USAGE = 2


def local_pki() -> LocalPki:
    return LocalPki(home(), key_passphrase())


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(message)}")
    return typer.Exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the errors a user can cause into one clear line and exit 1; never a traceback."""
    try:
        yield
    except DomainError as e:
        for p in e.problems[:20]:
            err.print(f"error: {p.path}: {p.reason}: {p.message}", markup=False)
        if len(e.problems) > 20:
            err.print(f"... and {len(e.problems) - 20} more problems")
        raise typer.Exit(1) from None
    except NoteError as e:
        raise fail(f"signed note: {e.reason}: {e}") from None
    except PermissionError as e:
        raise fail(f"not allowed: {e}") from None
    except (PkiError, KeystoreError, TrustListError, QrError, ValueError) as e:
        raise fail(str(e)) from None
    except OSError as e:
        raise fail(f"{e.filename or ''}: {e.strerror or e}") from None
    except SQLAlchemyError as e:  # a constraint or a lock the checks did not foresee
        cause = getattr(e, "orig", None) or e
        raise fail(
            f"the database refused the change, nothing was written: {str(cause).splitlines()[0]}"
        ) from None


def parse_day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise fail(f"{option}: {value!r} is not an ISO 8601 date (YYYY-MM-DD)", USAGE) from None


def parse_time(value: str | None, option: str) -> datetime | None:
    """An ISO 8601 time or date; a time without zone is UTC, a date means its start."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise fail(f"{option}: {value!r} is not an ISO 8601 time", USAGE) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def read_stdin(limit: int) -> str:
    data = sys.stdin.read(limit + 1)
    if len(data) > limit:
        raise fail(f"standard input is longer than {limit} characters", USAGE)
    return data


def print_rows(headers: list[str], rows: list[list[str]], title: str | None = None) -> None:
    """A table on a terminal; tab-separated lines when piped, so nothing is cut to fit."""
    if out.is_terminal:
        table = Table(*headers, title=title)
        for row in rows:
            table.add_row(*row)
        out.print(table)
        return
    for line in [headers, *rows]:
        emit("\t".join(Text.from_markup(cell, emoji=False).plain for cell in line))
