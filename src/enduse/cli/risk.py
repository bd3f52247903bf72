"""`enduse risk` and `enduse trace`: red flags with their evidence, and where the goods went."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from enduse.cli.common import emit, fail, local_pki, out, parse_day, print_rows, user_errors
from enduse.config import database_url, home
from enduse.registry.local import open_registry
from enduse.risk.config import load_config
from enduse.risk.engine import evaluate, report
from enduse.risk.facts import load_facts
from enduse.risk.scope import case_subjects
from enduse.risk.trace import trace_licence, trace_mark


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
        facts.trust = local_pki().store()  # A5 verifies signed EUCs against the local trust list
        if licence and licence not in facts.licences:
            raise fail(f"no licence {licence!r}")
        if euc and euc not in facts.eucs:
            raise fail(f"no EUC {euc!r} (give ISSUER:NUMBER)")
        # one licence: its neighbourhood is enough (the same findings, far less work)
        findings = evaluate(facts.around(licence) if licence else facts, load_config(config), today)
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


def trace_command(
    licence: Annotated[str | None, typer.Option(help="where did this licence's goods go")] = None,
    lot: Annotated[str | None, typer.Option(help="where did this lot come from, and go")] = None,
    serial: Annotated[str | None, typer.Option(help="the same for a serial number")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="paths as JSON")] = False,
) -> None:
    """Follow goods through shipments, deliveries, re-exports and observations, hop by hop."""
    if sum(x is not None for x in (licence, lot, serial)) != 1:
        raise fail("give one of --licence, --lot or --serial", 2)
    with user_errors():
        sessions = open_registry(home(), database_url(), read_only=True)
        with sessions() as session:
            facts = load_facts(session)
        if licence is not None:
            if licence not in facts.licences:
                raise fail(f"no licence {licence!r}")
            result = trace_licence(facts, licence)
        else:
            result = trace_mark(facts, lot or serial or "")
    if as_json:
        emit(json.dumps(result, ensure_ascii=False, indent=1))
        return
    if licence is not None:
        for path in result["paths"]:
            hops = (
                " → ".join(
                    [
                        path["hops"][0]["from"],
                        *(h["to"] for h in path["hops"] if h["to"] != h["from"]),
                    ]
                )
                if path["hops"]
                else "-"
            )
            extra = (
                f"  (declared {path['declared_destination']}, ended in {path['effective_destination']})"
                if "effective_destination" in path
                else ""
            )
            out.print(f"{path['shipment']}: {hops}{extra}", markup=False)
            for h in path["hops"]:
                out.print(
                    f"  {h['date'] or '?'}  {h['from']}→{h['to']}  {h['how']}  {h['record']}  {', '.join(h['marks'])}",
                    markup=False,
                )
        if not result["paths"]:
            out.print(f"licence {licence}: nothing shipped", markup=False)
        return
    for o in result["origins"]:
        out.print(f"from {o['shipment']} ({o['date']}, {' → '.join(o['route'])}) under licence {o['licence']}, "
                  f"EUC {o['euc']}, declared for {o['declared_destination']}", markup=False)  # fmt: skip
    for o in result["observed"]:
        out.print(f"seen {o['date']}: {o['from_state']} → {o['to_state']} ({o['kind']}, {o['status']}): {o['source']}",
                  markup=False)  # fmt: skip
    if not result["origins"] and not result["observed"]:
        out.print(f"{result['mark']}: not in the registry or any observation", markup=False)
