"""`enduse risk`: the diversion red flags of the registry, or of one case, with their evidence."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from enduse.cli.common import emit, fail, parse_day, print_rows, user_errors
from enduse.config import database_url, home
from enduse.registry.local import open_registry
from enduse.risk.config import load_config
from enduse.risk.engine import evaluate, report
from enduse.risk.facts import load_facts
from enduse.risk.scope import case_subjects


def command(
    licence: Annotated[str | None, typer.Option(help="only this licence's case")] = None,
    euc: Annotated[str | None, typer.Option(help="only this EUC's case, as ISSUER:NUMBER")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="the report as JSON (BUNDLE.md shape)")
    ] = False,
    at: Annotated[str | None, typer.Option(help="evaluate as of this day (default: today)")] = None,
    config: Annotated[Path | None, typer.Option(help="a TOML file of rule parameters")] = None,
) -> None:
    """The risk report: findings with evidence, and a score per subject. Exit 0 even with findings."""
    with user_errors():
        today = parse_day(at, "--at") or datetime.now(UTC).date()
        sessions = open_registry(home(), database_url(), read_only=True)
        with sessions() as session:
            facts = load_facts(session)
        if licence and licence not in facts.licences:
            raise fail(f"no licence {licence!r}")
        if euc and euc not in facts.eucs:
            raise fail(f"no EUC {euc!r} (give ISSUER:NUMBER)")
        findings = evaluate(facts, load_config(config), today)
        if licence or euc:
            scope = case_subjects(facts, licence, euc)
            findings = [f for f in findings if (f.subject_type, f.subject_id) in scope]
        result = report(findings)
    if as_json:
        emit(json.dumps(result, ensure_ascii=False, indent=1))
        return
    print_rows(
        ["rule", "severity", "subject", "finding"],
        [[f["rule"], f["severity"], escape(f"{f['subject']['type']} {f['subject']['id']}"), escape(f["message"])]
         for f in result["findings"]],
        "Diversion red flags",
    )  # fmt: skip
    print_rows(["subject", "score"],
               [[escape(f"{s['type']} {s['id']}"), str(s["score"])] for s in result["subjects"]])  # fmt: skip
