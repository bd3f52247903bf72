"""`enduse import` and `enduse export`: the registry in and out as `enduse.bundle/1`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from sqlalchemy.orm import Session

from enduse.cli.common import (
    emit,
    err,
    out,
    print_rows,
    read_stdin,
    stdout_may_close,
    user_errors,
)
from enduse.config import database_url, home, key_passphrase, screening_home
from enduse.domain.bundle import MAX_BUNDLE_BYTES, bundle_json
from enduse.files import read_capped, write_durably
from enduse.registry.bundle_io import export_bundle
from enduse.registry.local import open_registry
from enduse.tlog.local import LocalLog
from enduse.tlog.log import LogError
from enduse.workflow import follow_up
from enduse.workflow.audit import audit
from enduse.workflow.imports import record_bundle
from enduse.workflow.logins import MAX_PASSWORD, set_password
from enduse.workflow.tokens import issue_token
from enduse.workflow.users import add_user, disable_user, get_user, list_users


def import_command(file: Annotated[Path, typer.Argument(help="an enduse.bundle/1 file")]) -> None:
    """Record a bundle: all of it, or (with every problem named) nothing."""
    with user_errors():
        data = bundle_json(read_capped(file, MAX_BUNDLE_BYTES))
        sessions = open_registry(home(), database_url())
        with sessions() as session, session.begin():
            result = record_bundle(session, data)
        logged = publish_changes(sessions)
        logged += "; " + screen_changes(sessions)
    for warning in result.warnings:
        err.print(f"warning: {warning}", markup=False)
    counted = ", ".join(f"{n} {name}" for name, n in result.counts.items() if n)
    out.print(f"imported {counted or 'nothing'}", markup=False)
    err.print(logged, markup=False)


T = TypeVar("T")


def in_registry(operation: Callable[[Session], T]) -> tuple[T, str]:
    """Run one workflow operation in its own transaction, then append its log entries."""
    sessions = open_registry(home(), database_url())
    with sessions() as session, session.begin():
        result = operation(session)
    return result, publish_changes(sessions) + "; " + screen_changes(sessions)


def screen_changes(sessions) -> str:  # type: ignore[no-untyped-def]
    """Screen what waits for screening, with a progress bar (see workflow.follow_up)."""
    with Progress(TextColumn("screening parties"), BarColumn(), MofNCompleteColumn(),
                  console=err, transient=True) as progress:  # fmt: skip
        task = progress.add_task("screening", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        return follow_up.screen_changes(sessions, screening_home(), advance)


def publish_changes(sessions) -> str:  # type: ignore[no-untyped-def]
    """Append what the registry queued to the log; say what happened."""
    return follow_up.publish_changes(sessions, LocalLog(home(), key_passphrase(), database_url()))


registry_app = typer.Typer(no_args_is_help=True, help="The registry as a whole.")


@registry_app.command("audit")
def audit_command() -> None:
    """Check that registry and log agree both ways; exit 1 listing every discrepancy."""
    with user_errors():
        sessions = open_registry(home(), database_url())
        publish_changes(sessions)  # what only waited for the log is not a discrepancy
        local = LocalLog(home(), key_passphrase(), database_url())
        try:
            local.vkey()
        except LogError:
            log = None  # no log at all: the audit says so
        else:
            try:
                log = local.reader()
            except LogError as e:  # a damaged log is an error of its own, not "no log"
                raise ValueError(f"the log cannot be opened: {e}") from None
        readers = open_registry(home(), database_url(), read_only=True)
        with readers() as session:  # one snapshot: changes made meanwhile are not discrepancies
            result = audit(session, log)
    if result.consistent:
        out.print(
            f"consistent: {result.records} records, {result.entries} changes, "
            f"log size {result.log_size}, root {result.root.hex()}",
            markup=False,
        )
        return
    for problem in result.problems:
        out.print(problem, markup=False)
    raise typer.Exit(1)


def export_command(
    file: Annotated[
        Path | None, typer.Argument(help="where to write (default: standard output)")
    ] = None,
) -> None:
    """Write the whole registry as one bundle, each object as it was recorded."""
    with user_errors():
        sessions = open_registry(home(), database_url(), read_only=True)
        with sessions() as session:
            bundle = export_bundle(session)
        text = json.dumps(bundle, indent=1, ensure_ascii=False) + "\n"
        if file is not None:
            write_durably(file, text.encode("utf-8"))
            return
    with stdout_may_close():
        emit(text.rstrip("\n"))


users_app = typer.Typer(no_args_is_help=True, help="Users of the registry and their roles.")


def _as(session, name: str | None):  # type: ignore[no-untyped-def]
    return get_user(session, name) if name else None


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="the user's name")],
    role: Annotated[
        str,
        typer.Option(
            help="exporter, licensing_officer, issuing_authority, customs, analyst, admin"
        ),
    ],
    authority: Annotated[str | None, typer.Option(help="the authority it works for")] = None,
    party: Annotated[str | None, typer.Option(help="the party it acts for (exporter)")] = None,
    as_user: Annotated[str | None, typer.Option("--as", help="the admin doing this")] = None,
) -> None:
    """Add a user with a role, bound to an authority or a party as the role requires."""
    with user_errors():
        sessions = open_registry(home(), database_url())
        with sessions() as session, session.begin():
            user = add_user(session, name, role, authority, party, _as(session, as_user))
    out.print(f"added {user.name} ({user.role})", markup=False)


@users_app.command("list")
def users_list() -> None:
    """The users, their roles and bindings."""
    with user_errors():
        sessions = open_registry(home(), database_url(), read_only=True)
        with sessions() as session:
            users = list_users(session)
    rows = [
        [u.name, u.role, u.authority or "", u.party or "", "disabled" if u.disabled else ""]
        for u in users
    ]
    print_rows(["name", "role", "authority", "party", "status"], rows)


@users_app.command("token")
def users_token(
    name: Annotated[str, typer.Argument(help="the user the token acts as")],
    as_user: Annotated[str | None, typer.Option("--as", help="the admin doing this")] = None,
) -> None:
    """Print a new API token for a user, once: only its SHA-256 is kept."""
    with user_errors():
        sessions = open_registry(home(), database_url())
        with sessions() as session, session.begin():
            token = issue_token(session, name, _as(session, as_user))
    emit(token)


@users_app.command("password")
def users_password(
    name: Annotated[str, typer.Argument(help="the user who signs in to the web UI")],
    stdin: Annotated[bool, typer.Option("--stdin", help="read the password from stdin")] = False,
    as_user: Annotated[str | None, typer.Option("--as", help="the admin doing this")] = None,
) -> None:
    """Set a user's web password (asked twice, not echoed; kept as an argon2id hash)."""
    with user_errors():
        if stdin:
            password = read_stdin(MAX_PASSWORD + 2).rstrip("\r\n")
        else:
            password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
        sessions = open_registry(home(), database_url())
        with sessions() as session, session.begin():
            set_password(session, name, password, _as(session, as_user))
    out.print(f"password set for {name}", markup=False)


@users_app.command("disable")
def users_disable(
    name: Annotated[str, typer.Argument()],
    as_user: Annotated[str | None, typer.Option("--as", help="the admin doing this")] = None,
) -> None:
    """Disable a user (users are never deleted: decisions name who took them)."""
    with user_errors():
        sessions = open_registry(home(), database_url())
        with sessions() as session, session.begin():
            disable_user(session, name, _as(session, as_user))
    out.print(f"disabled {name}", markup=False)
