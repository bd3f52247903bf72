"""`enduse report`: reports read from the registry (the ATT annual report's exports)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from enduse.cli.common import err, stdout_may_close, user_errors
from enduse.config import database_url, home
from enduse.files import write_durably
from enduse.registry.local import open_registry
from enduse.reports.att import MAX_YEAR, MIN_YEAR, att_exports, to_csv, to_json
from enduse.workflow.roles import Action, authorize
from enduse.workflow.users import get_user

app = typer.Typer(no_args_is_help=True, help="Reports from the registry.")


@app.callback()
def reports() -> None:
    """Reports from the registry: `enduse report att --year 2025`."""


class Format(StrEnum):
    CSV = "csv"
    JSON = "json"


@app.command("att")
def att_command(
    year: Annotated[
        int,
        typer.Option(
            "--year", min=MIN_YEAR, max=MAX_YEAR, help="the calendar year of the shipments"
        ),
    ],
    output_format: Annotated[Format, typer.Option("--format", help="csv or json")] = Format.CSV,
    exporting_state: Annotated[
        str | None,
        typer.Option(
            "--exporting-state", help="ISO 3166-1 alpha-2 code (default: every exporting state)"
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="where to write (default: stdout)")
    ] = None,
    as_user: Annotated[
        str | None, typer.Option("--as", help="who is asking (needs the report permission)")
    ] = None,
) -> None:
    """The exports part of the Arms Trade Treaty annual report, from actual shipments."""
    with user_errors():
        sessions = open_registry(home(), database_url(), read_only=True)
        with sessions() as session:
            if as_user is not None:
                authorize(get_user(session, as_user), Action.REPORT)
            state = exporting_state.strip().upper() if exporting_state is not None else None
            report = att_exports(session, year, state)
        if output_format is Format.CSV:
            text = to_csv(report)
        else:
            text = json.dumps(to_json(report), indent=1, ensure_ascii=False) + "\n"
        if output is not None:
            write_durably(output, text.encode("utf-8"))
            err.print(f"wrote {len(report.rows)} rows to {output}", markup=False)
            return
    with stdout_may_close():
        typer.echo(text, nl=False)  # exactly to_csv's / the JSON's text
