"""`enduse lists` and `enduse screen`: sanctions and denial lists, and names screened against them."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)

from enduse.cli.common import (
    USAGE,
    emit,
    err,
    fail,
    out,
    parse_time,
    print_rows,
    stdout_may_close,
    user_errors,
)
from enduse.cli.registry import screen_changes
from enduse.config import database_url, home, screening_home
from enduse.files import read_capped
from enduse.registry.local import open_registry
from enduse.registry.models import PartyRow
from enduse.screening.entities import SCHEMATA, EntityFileError
from enduse.screening.index import IndexMissing
from enduse.screening.lists import load_list, reindex
from enduse.screening.screen import Hit, Query, Screener, ScreeningInputError, clean_query
from enduse.screening.store import ListStore, StoreError
from enduse.workflow.screening import screenings_of

lists_app = typer.Typer(no_args_is_help=True, help="Sanctions and denial lists (FtM entity files).")
MAX_BATCH_BYTES = 64 << 20


def screening_dir() -> Path:
    return screening_home()


@contextmanager
def screening_errors() -> Iterator[None]:
    with user_errors():
        try:
            yield
        except EntityFileError as e:
            for bad in e.bad[:20]:
                err.print(f"error: line {bad.line}: {bad.message}", markup=False)
            if len(e.bad) > 20:
                err.print(f"... and {len(e.bad) - 20} more bad lines", markup=False)
            raise fail(
                f"{len(e.bad)} bad lines: nothing was loaded (--skip-bad loads the rest)"
            ) from None
        except ScreeningInputError as e:
            raise fail(str(e), USAGE) from None
        except (IndexMissing, StoreError) as e:
            raise fail(str(e)) from None
        except sqlite3.Error as e:
            raise fail(f"{screening_dir() / 'lists.sqlite'}: {e}") from None


@lists_app.command("load")
def load_command(
    file: Annotated[Path, typer.Argument(help="an FtM entity file, one JSON entity per line")],
    dataset: Annotated[
        str | None,
        typer.Option(help="the list's name (default: the file name); a reload updates it"),
    ] = None,
    skip_bad: Annotated[
        bool, typer.Option(help="load the good lines of a file with bad ones")
    ] = False,
    allow_shrink: Annotated[
        bool, typer.Option(help="accept a reload that removes more than half of the list")
    ] = False,
) -> None:
    """Load a list or update it: prints what was added, changed and removed, then reindexes."""
    name = dataset or file.name.split(".")[0]
    with screening_errors():
        size = file.stat().st_size
        with Progress(
            TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
            console=err, transient=True,
        ) as progress:  # fmt: skip
            reading = progress.add_task(f"reading {file.name}", total=size)
            indexing = progress.add_task("indexing", total=None, visible=False)

            def indexed(n: int) -> None:
                progress.update(indexing, advance=n, visible=True)

            loaded = load_list(
                screening_dir(), file, name, skip_bad=skip_bad, allow_shrink=allow_shrink,
                read_progress=lambda n: progress.advance(reading, n), index_progress=indexed,
            )  # fmt: skip
    r = loaded.report
    for bad in loaded.read.bad[:20]:
        err.print(f"skipped line {bad.line}: {bad.message}", markup=False)
    skipped = sum(loaded.read.skipped_schemata.values())
    out.print(
        f"list {r.dataset} (version {r.version}): {r.total} entities, {r.added} added, "
        f"{r.changed} changed, {r.removed} removed, {r.unchanged} unchanged; "
        f"{skipped} entities of other schemata skipped, {len(loaded.read.bad)} bad lines skipped",
        markup=False,
    )
    err.print(
        f"index: {loaded.index.entities} entities, {loaded.index.keys} keys, "
        f"{loaded.index.postings} postings",
        markup=False,
    )
    with screening_errors():  # the registry's parties, against the lists as they now stand
        err.print(screen_changes(open_registry(home(), database_url())), markup=False)


@lists_app.command("reindex")
def reindex_command() -> None:
    """Rebuild the index from the loaded lists (after an interrupted load or an upgrade)."""
    with screening_errors():
        with Progress(TextColumn("indexing"), BarColumn(), MofNCompleteColumn(), console=err,
                      transient=True) as progress:  # fmt: skip
            task = progress.add_task("indexing", total=None)
            built = reindex(screening_dir(), lambda n: progress.advance(task, n))
        out.print(f"index: {built.entities} entities, {built.keys} keys, {built.postings} postings",
                  markup=False)  # fmt: skip
        err.print(screen_changes(open_registry(home(), database_url())), markup=False)


@lists_app.command("show")
def show_command() -> None:
    """Every load of every list, oldest first: what each version added, changed, removed."""
    with screening_errors():
        store = ListStore(screening_dir() / "lists.sqlite")
        versions = store.versions()
        store.close()
    rows = [
        [str(v["version"]), v["dataset"], v["loaded_at"][:19], str(v["total"]), str(v["added"]),
         str(v["changed"]), str(v["removed"]), escape(v["source"])]
        for v in versions
    ]  # fmt: skip
    print_rows(
        ["version", "list", "loaded", "entities", "added", "changed", "removed", "file"], rows
    )


def _hit_row(hit: Hit) -> list[str]:
    details = "; ".join(
        f"{feature} {value['score']:.2f}" + (f": {value['detail']}" if value.get("detail") else "")
        for feature, value in hit.explanation.items()
    )
    return [f"{hit.score:.3f}", hit.strength, escape(hit.caption), hit.schema, escape(hit.id),
            escape(", ".join(hit.datasets)), escape(details)]  # fmt: skip


def _json_hit(hit: Hit) -> dict[str, Any]:
    return {
        "id": hit.id, "caption": hit.caption, "schema": hit.schema, "score": hit.score,
        "datasets": hit.datasets, "strength": hit.strength, "explanation": hit.explanation,
        "list": hit.list, "countries": hit.countries,
    }  # fmt: skip


def _batch_queries(file: Path) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        text = read_capped(file, MAX_BATCH_BYTES).decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise fail(f"{file}: not UTF-8 text (byte {e.start})", USAGE) from None
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or "name" not in reader.fieldnames:
        raise fail(f"{file}: the first line must name the columns: name,country,schema", USAGE)
    for row in reader:
        yield reader.line_num, row


def screen_command(
    name: Annotated[str | None, typer.Argument(help="the name to screen, in any script")] = None,
    country: Annotated[
        str | None, typer.Option(help="ISO 3166-1 alpha-2 code of the party")
    ] = None,
    schema: Annotated[str | None, typer.Option(help=f"one of {', '.join(SCHEMATA)}")] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="screen every row of a CSV (name,country,schema)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON (JSON lines with --file)")] = False,
    threshold: Annotated[float, typer.Option(min=0.0, max=1.0, help="lowest score shown")] = 0.7,
    party: Annotated[
        str | None, typer.Option(help="a registry party: how it was screened, newest first")
    ] = None,
    at: Annotated[
        str | None, typer.Option(help="with --party: only what was known at this time")
    ] = None,
) -> None:
    """Screen a name against the loaded lists: hits best first, with score and explanation."""
    if sum(x is not None for x in (name, file, party)) != 1:
        raise fail("give a NAME, --file NAMES.csv or --party ID", USAGE)
    if party is not None:
        _show_party(party, parse_time(at, "--at"), as_json)
        return
    with screening_errors():
        query = clean_query(name, country, schema) if file is None else None
        screener = Screener(screening_dir())
        try:
            if query is None:
                _screen_file(screener, file, as_json, threshold)  # type: ignore[arg-type]
                return
            hits = screener.screen(query, threshold=threshold)
        finally:
            screener.close()
    if as_json:
        emit(json.dumps(_json_result(query, hits, screener.version), ensure_ascii=False, indent=1))
        return
    if not hits:
        out.print(
            f"no hits for {query.name!r} at {threshold} (lists version {screener.version})",
            markup=False,
        )
        return
    print_rows(["score", "strength", "caption", "schema", "id", "datasets", "explanation"],
               [_hit_row(h) for h in hits], f"{query.name} (lists version {screener.version})")  # fmt: skip


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _show_party(party: str, at: datetime | None, as_json: bool) -> None:
    with user_errors():
        sessions = open_registry(home(), database_url(), read_only=True)
        with sessions() as session:
            if session.get(PartyRow, party) is None:
                raise fail(f"no party {party!r} in the registry")
            rows = [
                {"screened_at": _utc(r.screened_at).isoformat(), "list_version": r.list_version,
                 "denials_version": r.denials_version, "strongest": r.strongest, "hits": r.hits}
                for r in screenings_of(session, party, at)
            ]  # fmt: skip
    if as_json:
        emit(json.dumps({"party": party, "screenings": rows}, ensure_ascii=False, indent=1))
        return
    if not rows:
        out.print(
            f"{party} was not screened" + (f" by {at:%Y-%m-%d %H:%M}" if at else ""), markup=False
        )
        return
    table = [
        [r["screened_at"][:19], str(r["list_version"]), str(r["denials_version"]),
         r["strongest"] or "clear", escape("; ".join(f"{h['caption']} ({h['score']:.2f}, {h['list']})"
                                                      for h in r["hits"][:5]))]
        for r in rows
    ]  # fmt: skip
    print_rows(
        ["screened at", "lists", "denials", "result", "hits"], table, f"screenings of {party}"
    )


def _json_result(query: Query, hits: list[Hit], version: int) -> dict[str, Any]:
    return {
        "query": {"name": query.name, "country": query.country, "schema": query.schema},
        "lists_version": version,
        "hits": [_json_hit(h) for h in hits],
    }


def _screen_file(screener: Screener, file: Path, as_json: bool, threshold: float) -> None:
    rows = list(_batch_queries(file))
    writer = csv.writer(out.file, lineterminator="\n")
    if not as_json:
        writer.writerow(["line", "name", "country", "schema", "hit_id", "caption", "score",
                         "strength", "datasets", "error"])  # fmt: skip
    with (
        stdout_may_close(),
        Progress(TextColumn("screening"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                 console=err, transient=True) as progress,
    ):  # fmt: skip
        task = progress.add_task("screening", total=len(rows))
        for line, row in rows:
            try:
                query = clean_query(row.get("name"), row.get("country"), row.get("schema"))
            except ScreeningInputError as e:
                if as_json:
                    emit(json.dumps({"line": line, "error": str(e)}, ensure_ascii=False))
                else:
                    writer.writerow([line, row.get("name"), row.get("country"), row.get("schema"),
                                     "", "", "", "", "", str(e)])  # fmt: skip
                progress.advance(task)
                continue
            hits = screener.screen(query, threshold=threshold)
            if as_json:
                emit(json.dumps({"line": line, **_json_result(query, hits, screener.version)},
                                ensure_ascii=False))  # fmt: skip
            else:
                for hit in hits or [None]:
                    writer.writerow([line, query.name, query.country or "", query.schema,
                                     *(["", "", "", "", ""] if hit is None else
                                       [hit.id, hit.caption, f"{hit.score:.4f}", hit.strength,
                                        ";".join(hit.datasets)]), ""])  # fmt: skip
            progress.advance(task)
