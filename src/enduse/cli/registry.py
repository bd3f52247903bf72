"""`enduse import` and `enduse export`: the registry in and out as `enduse.bundle/1`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from enduse.cli.common import emit, err, out, stdout_may_close, user_errors
from enduse.config import database_url, home
from enduse.domain.bundle import MAX_BUNDLE_BYTES, load_bundle_text
from enduse.files import read_capped, write_durably
from enduse.registry.bundle_io import export_bundle, import_bundle
from enduse.registry.local import open_registry


def import_command(file: Annotated[Path, typer.Argument(help="an enduse.bundle/1 file")]) -> None:
    """Record a bundle: all of it, or (with every problem named) nothing."""
    with user_errors():
        text = read_capped(file, MAX_BUNDLE_BYTES)
        load_bundle_text(
            text
        )  # JSON and structure errors, with paths, before touching the database
        sessions = open_registry(home(), database_url())
        with sessions() as session, session.begin():
            result = import_bundle(session, json.loads(text))
    for warning in result.warnings:
        err.print(f"warning: {warning}", markup=False)
    counted = ", ".join(f"{n} {name}" for name, n in result.counts.items() if n)
    out.print(f"imported {counted or 'nothing'}", markup=False)


def export_command(
    file: Annotated[
        Path | None, typer.Argument(help="where to write (default: standard output)")
    ] = None,
) -> None:
    """Write the whole registry as one bundle, each object as it was recorded."""
    with user_errors():
        sessions = open_registry(home(), database_url())
        with sessions() as session:
            bundle = export_bundle(session)
        text = json.dumps(bundle, indent=1, ensure_ascii=False) + "\n"
        if file is not None:
            write_durably(file, text.encode("utf-8"))
            return
    with stdout_may_close():
        emit(text.rstrip("\n"))
