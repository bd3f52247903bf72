"""The `enduse` command line: thin commands over the workflow and the analysis layers."""

from __future__ import annotations

import typer

from enduse.cli import (
    demo,
    dvc,
    euc,
    licence,
    log,
    osint,
    pki,
    reexport,
    registry,
    report,
    risk,
    screening,
    serve,
    shipping,
    verify,
    witness,
)

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="enduse: end-use control for arms transfers.",
    pretty_exceptions_enable=False,
)
app.add_typer(pki.app, name="pki")
app.add_typer(euc.app, name="euc")
app.add_typer(log.app, name="log")
app.add_typer(witness.app, name="witness")
app.command("verify")(verify.command)
app.command("demo")(demo.command)
app.command("import")(registry.import_command)
app.command("export")(registry.export_command)
app.add_typer(registry.users_app, name="users")
app.add_typer(registry.registry_app, name="registry")
app.add_typer(licence.app, name="licence")
app.command("ship")(shipping.command)
app.add_typer(dvc.app, name="dvc")
app.add_typer(reexport.app, name="reexport")
app.add_typer(report.app, name="report")
app.add_typer(screening.lists_app, name="lists")
app.command("screen")(screening.screen_command)
app.command("risk")(risk.command)
app.command("trace")(risk.trace_command)
app.command("serve")(serve.command)
app.add_typer(osint.app, name="osint")


def main() -> None:
    app()
