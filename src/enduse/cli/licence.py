"""`enduse licence`: applications and the licences of the registry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select

from enduse.cli.common import emit, err, fail, out, print_rows, user_errors
from enduse.cli.registry import publish_changes
from enduse.config import database_url, home
from enduse.files import read_capped
from enduse.registry.local import open_registry
from enduse.registry.models import EucRow, LicenceRow
from enduse.workflow.licensing import apply
from enduse.workflow.roles import Action, authorize
from enduse.workflow.users import get_user

app = typer.Typer(no_args_is_help=True, help="Licence applications and licences.")
MAX_APPLICATION_BYTES = 1 << 20


@app.command("apply")
def apply_command(
    file: Annotated[
        Path, typer.Argument(help="the application: a licence object of BUNDLE.md, as JSON")
    ],
    as_user: Annotated[str, typer.Option("--as", help="the exporter applying")],
) -> None:
    """Apply for a licence; refused if its EUC does not still allow every item."""
    with user_errors():
        try:
            data = json.loads(read_capped(file, MAX_APPLICATION_BYTES))
        except json.JSONDecodeError as e:
            raise fail(f"{file}: not JSON ({e.msg} at line {e.lineno})") from None
        sessions = open_registry(home(), database_url())
        with sessions() as session, session.begin():
            licence = apply(session, get_user(session, as_user), data)
        logged = publish_changes(sessions)
    out.print(f"applied: licence {licence.licence_number} (status applied)", markup=False)
    err.print(logged, markup=False)


@app.command("list")
def list_command(
    as_user: Annotated[
        str | None, typer.Option("--as", help="who is asking (exporters see their own)")
    ] = None,
) -> None:
    """The licences, newest last."""
    with user_errors():
        sessions = open_registry(home(), database_url())
        with sessions() as session:
            query = (
                select(LicenceRow, EucRow)
                .join(EucRow, EucRow.pk == LicenceRow.euc_pk)
                .order_by(LicenceRow.ordinal)
            )
            user = get_user(session, as_user) if as_user else None
            if user is not None:
                authorize(user, Action.READ)
                if user.party and user.role == "exporter":
                    query = query.where(LicenceRow.applicant == user.party)
            rows = [
                [lic.licence_number, lic.status, lic.applicant, f"{euc.issuing_authority}:{euc.euc_number}",
                 str(lic.valid_until or "")]
                for lic, euc in session.execute(query)
            ]  # fmt: skip
    print_rows(["licence", "status", "applicant", "euc", "valid until"], rows)


@app.command("show")
def show_command(number: Annotated[str, typer.Argument(help="the licence number")]) -> None:
    """The licence as recorded (JSON)."""
    with user_errors():
        sessions = open_registry(home(), database_url())
        with sessions() as session:
            row = session.get(LicenceRow, number)
            if row is None:
                raise ValueError(f"no licence {number!r}")
            document = row.document
    emit(json.dumps(document, indent=1, ensure_ascii=False))
