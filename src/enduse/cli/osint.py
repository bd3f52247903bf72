"""`enduse osint extract` and `enduse osint ingest`: alleged transfers read from reports, and
the licences they concern."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from enduse.cli.common import emit, err, fail, local_pki, out, print_rows, user_errors
from enduse.cli.registry import publish_changes
from enduse.config import database_url, home
from enduse.files import read_capped
from enduse.osint.extract import MAX_CHARS, extract
from enduse.registry.local import open_registry
from enduse.risk.config import load_config
from enduse.risk.facts import load_facts
from enduse.risk.rules.reports import g7_findings, links

app = typer.Typer(
    no_args_is_help=True,
    help="Open-source reports: alleged transfers and the licences they concern.",
)
Files = Annotated[list[Path], typer.Argument(help="report files (UTF-8 text)", exists=False)]


def read_report(path: Path) -> str:
    data = read_capped(path, MAX_CHARS * 4, regular_only=True)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ValueError(f"{path}: not UTF-8 text (byte {e.start})") from None
    if len(text) > MAX_CHARS:
        raise ValueError(f"{path}: longer than {MAX_CHARS} characters")
    return text


def _read_all(files: list[Path]) -> list[tuple[str, str]]:
    reports = []
    with Progress(TextColumn("reading reports"), BarColumn(), MofNCompleteColumn(),
                  console=err, transient=True) as progress:  # fmt: skip
        for path in progress.track(files):
            reports.append((str(path), read_report(path)))
    return reports


@app.command("extract")
def extract_command(
    files: Files,
    as_json: Annotated[
        bool, typer.Option("--json", help="one JSON object per file, a line each")
    ] = False,
) -> None:
    """Each file's alleged transfers: supplier, recipient, intermediaries, goods, claimants."""
    with user_errors():
        reports = _read_all(files)
        found = [(name, extract(text)) for name, text in reports]
    if as_json:
        for name, transfers in found:
            emit(json.dumps({"file": name, "transfers": [t.as_dict() for t in transfers]},
                            ensure_ascii=False))  # fmt: skip
        return
    rows = []
    for name, transfers in found:
        for t in transfers:
            amount = t.quantity.text if t.quantity else ""
            rows.append([escape(name), f"{t.supplier_country} → {t.recipient_country}",
                         ", ".join(t.intermediary_countries), t.status,
                         escape("; ".join(t.claimants[:2])), escape(amount)])  # fmt: skip
        if not transfers:
            rows.append([escape(name), "no transfer found", "", "", "", ""])
    print_rows(["file", "transfer", "via", "status", "according to", "how much"], rows,
               "Alleged transfers")  # fmt: skip


@app.command("ingest")
def ingest_command(
    files: Files,
    source: Annotated[
        str | None, typer.Option(help="the source's name (default: the file's)")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="what was recorded and linked, as JSON")
    ] = False,
) -> None:
    """Record each alleged transfer as an observation and show the licences it concerns (G7)."""
    from enduse.workflow.open_source import record_reports

    with user_errors():
        reports = _read_all(files)
        today = datetime.now(UTC).date()
        sessions = open_registry(home(), database_url())
        with sessions() as session, session.begin():
            ingested = record_reports(session, reports, source, today)
        logged = publish_changes(sessions)
        links = linked_licences({i.observation["id"] for i in ingested}, today)
    result = describe(ingested, links)
    if as_json:
        emit(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        print_rows(["observation", "transfer", "via", "status", "recorded"],
                   [[o["id"], f"{o['from_state']} → {o['to_state']}", ", ".join(o["via_states"])
                     or ("unnamed" if o["via_unnamed"] else ""), o["report_status"],
                     "new" if o["new"] else "already on record"]
                    for o in result["observations"]], "Observations")  # fmt: skip
        print_rows(["licence", "severity", "observation", "finding", "evidence"],
                   [[f["licence"], f["severity"], f["observation"], escape(f["message"]),
                     escape((f["evidence"] or [""])[0])] for f in result["links"]],
                   "Licences concerned (G7)")  # fmt: skip
        if not result["observations"]:
            out.print("no alleged transfer found", markup=False)
    err.print(logged, markup=False)


def linked_licences(observation_ids: set[str], today: Any) -> list[dict[str, Any]]:
    """The G7 findings these observations raise, against the registry as it now is."""
    if not observation_ids:
        return []
    sessions = open_registry(home(), database_url(), read_only=True)
    with sessions() as session:
        facts = load_facts(session)
    facts.trust = local_pki().store()
    config = load_config()
    return links(g7_findings(facts, config, today), observation_ids, config.get("G7"))


def describe(ingested: list[Any], links: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "observations": [i.as_dict() for i in ingested],
        "links": links,
    }


__all__ = ["app", "fail"]
