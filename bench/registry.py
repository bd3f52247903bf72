"""A whole synthetic registry imported as one bundle, and licence applications per second.

A deterministic registry (seeded random) of 100,000 licences is generated as a
bundle dict: a dozen importing states (MoD issuing EUCs, customs issuing DVCs),
Serbia's licensing authority, 3,000 parties, 40,000 EUCs of 1 to 3 items, the
licences (2 or 3 per EUC, together within each EUC line), 300,000 shipments
(3 per licence, within the licence) and DVCs for 90 % of them. Generation is
not timed. The bundle is then recorded on a fresh migrated SQLite file with
`record_bundle` (validation, import, one queued log entry per record, commit).
The baseline is what no import can beat: the same rows (read back from the
imported file: same tables, same column values, JSON documents included)
inserted with SQLAlchemy Core `executemany` into a fresh migrated SQLite
file, in one transaction; ratio = import seconds / baseline seconds. Target:
the import in 60 s or less. Peak memory is the process's ru_maxrss when the
import ends (it includes the generated bundle dict, whose size is shown as the
RSS just before the import).

Then licence applications per second through the workflow, on SQLite and on
PostgreSQL (a fresh schema, dropped at the end): on a small synthetic registry,
each application in its own transaction (`apply`, commit), then its log entry
appended to the transparency log after each commit as `enduse licence apply`
does (a second transaction under the publication lock and the log's writer
lock; the tiles in a directory for SQLite, in the database for PostgreSQL).

`--licences 2000` for a quick run; `--profile FILE` writes cProfile stats of
the import (whose time is then inflated by the profiler).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from enduse.registry import models as m
from enduse.registry.db import make_engine, session_factory
from enduse.registry.migrate import upgrade
from enduse.tlog.local import LocalLog
from enduse.workflow.imports import record_bundle
from enduse.workflow.licensing import apply
from enduse.workflow.logbook import lock_publication, publish
from enduse.workflow.users import add_user, get_user

LICENCES = 100_000
TARGET_S = 60
APPLICATIONS = 2000
APPLY_BASE_LICENCES = 1000  # the registry the applications are made against
POSTGRES = os.environ.get(
    "ENDUSE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
LOG_ORIGIN = "bench.enduse.example/registry"

# Importing states, the route from Serbia to each (transit states in order), and the
# number of government end users (commands, depots) each fields.
IMPORTERS: dict[str, list[str]] = {
    "CZ": ["HU", "SK"],
    "BG": [],
    "PL": ["HU", "SK"],
    "SK": ["HU"],
    "HU": [],
    "RO": [],
    "GR": ["MK"],
    "HR": [],
    "SI": ["HR"],
    "EE": ["HU", "SK", "PL", "LT", "LV"],
    "LT": ["HU", "SK", "PL"],
    "LV": ["HU", "SK", "PL", "LT"],
}
BROKER_COUNTRIES = ["CY", "CH", "AE", "GB", "AT", "MT", "TR", "BA", "ME"]

# (description, control entry, calibre, unit, min quantity, max quantity, unit price in cents)
GOODS: list[tuple[str, str, str | None, str, int, int, int]] = [
    ("7.62x39 mm ball cartridges", "ML3.a", "7.62x39mm", "rounds", 50_000, 2_000_000, 45),
    ("7.62x54R mm cartridges", "ML3.a", "7.62x54mmR", "rounds", 20_000, 1_000_000, 90),
    ("5.56x45 mm ball cartridges", "ML3.a", "5.56x45mm", "rounds", 50_000, 2_000_000, 40),
    ("9x19 mm pistol cartridges", "ML3.a", "9x19mm", "rounds", 20_000, 1_000_000, 30),
    ("12.7x108 mm cartridges", "ML3.a", "12.7x108mm", "rounds", 5_000, 200_000, 350),
    ("152 mm HE artillery shells", "ML3.a", "152mm", "pieces", 500, 30_000, 150_000),
    ("155 mm HE artillery shells", "ML3.a", "155mm", "pieces", 500, 30_000, 300_000),
    ("122 mm rockets for Grad MLRS", "ML4.a", "122mm", "pieces", 200, 12_000, 300_000),
    ("82 mm mortar bombs", "ML3.a", "82mm", "pieces", 1_000, 40_000, 12_000),
    ("120 mm mortar bombs", "ML3.a", "120mm", "pieces", 500, 20_000, 35_000),
    ("Assault rifles, 7.62x39 mm", "ML1.a", "7.62x39mm", "pieces", 100, 5_000, 60_000),
    ("Heavy machine guns, 12.7 mm", "ML1.a", "12.7x108mm", "pieces", 30, 500, 900_000),
    ("Mortars, 120 mm", "ML2.a", "120mm", "pieces", 30, 120, 4_500_000),
    ("Propellant charges", "ML8.a", None, "kg", 1_000, 50_000, 2_500),
]
STATUSES = ["issued"] * 88 + ["exhausted"] * 5 + ["expired"] * 5 + ["suspended"] * 2
EPOCH = date(2022, 1, 1).toordinal()


def _day(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()


def synthetic_bundle(licences: int, seed: int = 20250601) -> dict[str, Any]:
    """A registry of `licences` licences as one `enduse.bundle/1` dict, the same for a seed."""
    rng = random.Random(seed)
    states = list(IMPORTERS)
    authorities: list[dict[str, Any]] = [
        {
            "id": "RS-EXPORT",
            "state": "RS",
            "name": "Export licensing authority (synthetic)",
            "functions": ["export_licensing"],
        }
    ]
    for s in states:
        authorities.append(
            {
                "id": f"{s}-MOD",
                "state": s,
                "name": f"Ministry of Defence of {s} (synthetic)",
                "functions": ["euc_issuing"],
                "signatories": [
                    {"name": f"Director {s}", "position": "Director of Procurement",
                     "from": "2021-01-01", "until": None},
                ],
            }
        )  # fmt: skip
        authorities.append(
            {
                "id": f"{s}-CUSTOMS",
                "state": s,
                "name": f"Customs administration of {s} (synthetic)",
                "functions": ["dvc_issuing"],
            }
        )

    parties: list[dict[str, Any]] = []

    def party(pid: str, name: str, country: str, kind: str) -> str:
        record: dict[str, Any] = {"id": pid, "name": name, "country": country, "kind": kind}
        if kind in ("manufacturer", "company", "freight_forwarder", "broker"):
            record["registration_id"] = f"{country}{rng.randrange(10**7, 10**8)}"
        parties.append(record)
        return pid

    exporters = [
        party(f"p-rs-{i:04d}", f"Serbian Defence Works {i} d.o.o.", "RS",
              "manufacturer" if i % 3 else "company")
        for i in range(200)
    ]  # fmt: skip
    end_users = {
        s: [party(f"p-{s.lower()}-gov-{i:03d}", f"{s} armed forces unit {i}", s, "government")
            for i in range(40)]
        for s in states
    }  # fmt: skip
    forwarders = {
        s: [party(f"p-{s.lower()}-fwd-{i:03d}", f"{s} Cargo {i} Ltd", s, "freight_forwarder")
            for i in range(75)]
        for s in states
    }  # fmt: skip
    brokers = [
        party(f"p-brk-{i:04d}", f"Trading House {i}", BROKER_COUNTRIES[i % 9], "broker")
        for i in range(600)
    ]
    carriers = [
        party(f"p-car-{i:04d}", f"Air and Road Cargo {i}", rng.choice(["RS", *states]), "carrier")
        for i in range(820)
    ]

    n_eucs = max(1, licences * 2 // 5)  # 2 or 3 licences each
    per_euc = [0] * n_eucs
    for i in range(licences):
        per_euc[i % n_eucs] += 1
    eucs: list[dict[str, Any]] = []
    euc_info: list[tuple[str, str, str, str, list[tuple[int, int]], int, int]] = []
    for e in range(n_eucs):
        s = rng.choice(states)
        issued = EPOCH + rng.randrange(3 * 365)
        until = issued + rng.randrange(365, 730)
        exporter = rng.choice(exporters)
        end_user = rng.choice(end_users[s])
        consignee = rng.choice(forwarders[s])
        items = []
        lines: list[tuple[int, int]] = []
        for line, g in enumerate(rng.sample(GOODS, rng.randint(1, 3)), start=1):
            desc, entry, calibre, unit, low, high, cents = g
            quantity = rng.randrange(low, high) // 10 * 10 or low
            item: dict[str, Any] = {"line": line, "description": desc, "control_entry": entry}
            if calibre:
                item["calibre"] = calibre
            item |= {"quantity": quantity, "unit": unit,
                     "value": f"{quantity * cents // 100}.{quantity * cents % 100:02d}",
                     "currency": "EUR"}  # fmt: skip
            items.append(item)
            lines.append((line, quantity))
        number = f"{s}-MOD-{date.fromordinal(issued).year}-{e:06d}"
        euc: dict[str, Any] = {
            "euc_number": number,
            "document_type": "EUC",
            "issuing_state": s,
            "issuing_authority": f"{s}-MOD",
            "date_of_issue": _day(issued),
            "valid_until": _day(until),
            "exporter": exporter,
            "end_user": end_user,
            "end_user_signatory": {"name": f"Director {s}", "position": "Director of Procurement"},
            "consignees": [consignee],
        }
        if rng.random() < 0.4:
            euc["intermediaries"] = [{"party": rng.choice(brokers), "role": "broker"}]
        euc |= {
            "country_of_final_destination": s,
            "transit_states": IMPORTERS[s],
            "contract_reference": f"C-{e:06d} of {_day(issued - rng.randrange(10, 90))}",
            "items": items,
            "end_use": f"Stockpile replenishment of {end_user}",
            "reexport_clause": {"kind": rng.choice(["prohibited", "prior_written_consent"])},
            "onsite_verification_consent": rng.random() < 0.5,
            "dvc_undertaking_days": 30,
        }
        eucs.append(euc)
        euc_info.append((s, number, exporter, end_user, lines, issued, until))

    licence_list: list[dict[str, Any]] = []
    shipments: list[dict[str, Any]] = []
    dvcs: list[dict[str, Any]] = []
    for i in range(licences):
        e = i % n_eucs
        s, number, exporter, end_user, lines, issued, until = euc_info[e]
        consignee = eucs[e]["consignees"][0]
        decided = issued + rng.randrange(10, 60)
        share = rng.uniform(0.3, 0.6) / per_euc[e]  # every licence of an EUC fits, with room left
        licensed = [(line, max(3, int(q * share))) for line, q in lines]
        licence_number = f"RS-{date.fromordinal(decided).year}-{i:06d}"
        licence_list.append(
            {
                "licence_number": licence_number,
                "exporting_state": "RS",
                "authority": "RS-EXPORT",
                "applicant": exporter,
                "euc": {"issuing_authority": f"{s}-MOD", "euc_number": number},
                "items": [{"line": line, "euc_line": line, "quantity": q} for line, q in licensed],
                "status": rng.choice(STATUSES),
                "date_of_decision": _day(decided),
                "valid_from": _day(decided),
                "valid_until": _day(until),
                "criteria_cited": [],
            }
        )
        shipped = decided
        route = ["RS", *IMPORTERS[s], s]
        for k in range(3):
            shipped += rng.randrange(5, 90)
            sid = f"SH-{date.fromordinal(shipped).year}-{3 * i + k:07d}"
            items = [
                {
                    "licence_line": line,
                    "quantity": q // 3 if k < 2 else q - 2 * (q // 3),
                    "lots": [f"L{i:06d}-{line}-{k + 1}"],
                }
                for line, q in licensed
            ]
            shipments.append(
                {
                    "shipment_id": sid,
                    "licence_number": licence_number,
                    "date": _day(shipped),
                    "route": route,
                    "carrier": rng.choice(carriers),
                    "consignee": consignee,
                    "items": items,
                    "transport_documents": [f"CMR {date.fromordinal(shipped).year}/{3 * i + k}"],
                }
            )
            if rng.random() < 0.9:
                partial = rng.random() < 0.03
                delivered = [
                    dict(item, quantity=max(0, item["quantity"] - 1)) if partial else item
                    for item in items
                ]
                dvcs.append(
                    {
                        "dvc_number": f"{s}-DVC-{3 * i + k:07d}",
                        "issuing_authority": f"{s}-CUSTOMS",
                        "licence_number": licence_number,
                        "euc_number": number,
                        "shipment_id": sid,
                        "arrival_date": _day(shipped + rng.randrange(1, 10)),
                        "delivered_to": end_user,
                        "items": delivered,
                        "delivery_scope": "partial" if partial else "complete",
                    }
                )
    return {
        "format": "enduse.bundle/1",
        "description": f"Synthetic registry of {licences} licences (bench/registry.py, seed {seed})",
        "authorities": authorities,
        "parties": parties,
        "eucs": eucs,
        "licences": licence_list,
        "shipments": shipments,
        "delivery_verifications": dvcs,
    }


def say(message: str) -> None:
    print(f"[registry bench] {message}", file=sys.stderr, flush=True)


def rss_mib() -> float:
    """Resident set size now (Linux /proc), MiB."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            t.name: connection.scalar(select(func.count()).select_from(t))
            for t in m.Base.metadata.sorted_tables
        }


def import_registry(path: Path, bundle: dict[str, Any], profile: str | None) -> dict[str, Any]:
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    sessions = session_factory(engine)
    gc.collect()
    before = rss_mib()
    profiler = cProfile.Profile() if profile else None
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    with sessions() as session, session.begin():
        imported = record_bundle(session, bundle)
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - start
    peak = peak_rss_mib()
    if profiler and profile:
        profiler.dump_stats(profile)
    records = sum(imported.counts.values())
    del imported
    counts = row_counts(engine)
    assert counts["log_entries"] == records, (counts, records)
    engine.dispose()
    return {
        "records": records,
        "rows": counts,
        "seconds": seconds,
        "rss_before_mib": before,
        "peak_rss_mib": peak,
    }


def baseline_insert(source: Path, target: Path) -> float:
    """Seconds to insert the imported file's rows, as they are, with Core executemany."""
    reader = make_engine(f"sqlite:///{source}")
    tables = []
    with reader.connect() as connection:
        for table in m.Base.metadata.sorted_tables:  # referenced tables first
            rows = [dict(r._mapping) for r in connection.execute(select(table))]
            if rows:
                tables.append((table, rows))
    reader.dispose()
    engine = make_engine(f"sqlite:///{target}")
    upgrade(engine)
    gc.collect()
    start = time.perf_counter()
    with engine.begin() as connection:
        for table, rows in tables:
            connection.execute(table.insert(), rows)
    seconds = time.perf_counter() - start
    engine.dispose()
    return seconds


def publish_changes(sessions: sessionmaker[Session], local: LocalLog) -> int:
    """What `enduse` does after every change: append what the registry queued to the log."""
    with sessions() as session, session.begin():
        lock_publication(session)
        with local.writer() as log:
            return publish(session, log).appended


def applications(url: str, home: Path, log_url: str | None, count: int) -> dict[str, Any]:
    """Applications per second on a small synthetic registry, each published after its commit."""
    engine = make_engine(url)
    upgrade(engine)
    sessions = session_factory(engine)
    base = synthetic_bundle(APPLY_BASE_LICENCES, seed=7)
    exporters = sorted({e["exporter"] for e in base["eucs"]})
    with sessions() as session, session.begin():
        record_bundle(session, base)
        for p in exporters:
            add_user(session, f"x-{p}", "exporter", party=p)
    local = LocalLog(home, None, log_url)
    local.init(LOG_ORIGIN)
    try:
        publish_changes(sessions, local)  # the base registry's entries: not timed
        plan = []
        for i in range(count):
            euc = base["eucs"][i % len(base["eucs"])]
            plan.append(
                (
                    f"x-{euc['exporter']}",
                    {
                        "licence_number": f"RS-APP-{i:06d}",
                        "exporting_state": "RS",
                        "authority": "RS-EXPORT",
                        "applicant": euc["exporter"],
                        "euc": {
                            "issuing_authority": euc["issuing_authority"],
                            "euc_number": euc["euc_number"],
                        },
                        "items": [{"line": 1, "euc_line": 1, "quantity": 1}],
                    },
                )
            )
        applied: list[float] = []
        published: list[float] = []
        clock = time.perf_counter
        start = clock()
        for user, application in plan:
            t0 = clock()
            with sessions() as session, session.begin():
                apply(session, get_user(session, user), application)
            t1 = clock()
            assert publish_changes(sessions, local) == 1
            published.append(clock() - t1)
            applied.append(t1 - t0)
        seconds = clock() - start
        with sessions() as session:
            pending = session.scalar(select(func.count()).where(m.LogEntryRow.log_index.is_(None)))
            entries = session.scalar(select(func.count()).select_from(m.LogEntryRow))
        assert pending == 0 and local.reader().size == entries
    finally:
        close = getattr(local.storage, "close", None)
        if close:
            close()
        engine.dispose()
    return {
        "applications": count,
        "per_s": round(count / seconds, 1),
        "seconds": round(seconds, 2),
        "apply_commit_ms_p50": round(statistics.median(applied) * 1e3, 2),
        "publish_ms_p50": round(statistics.median(published) * 1e3, 2),
        "log_size": entries,
    }


def postgres_applications(root: Path, count: int) -> tuple[dict[str, Any] | None, str | None]:
    admin = make_engine(POSTGRES)
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as e:
        admin.dispose()
        return None, f"PostgreSQL at {POSTGRES} is not reachable: {type(e).__name__}: {e}"
    separator = "&" if "?" in POSTGRES else "?"
    url = f"{POSTGRES}{separator}options={quote(f'-csearch_path={schema}')}"
    try:
        return applications(url, root / "pg-home", url, count), None
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--licences", type=int, default=LICENCES)
    parser.add_argument("--applications", type=int, default=APPLICATIONS)
    parser.add_argument("--profile", metavar="FILE", help="write cProfile stats of the import")
    parser.add_argument("--no-postgres", action="store_true", help="skip PostgreSQL")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(dir=os.environ.get("ENDUSE_BENCH_DIR")) as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        bundle = synthetic_bundle(args.licences)
        generate_s = time.perf_counter() - start
        sizes = {k: len(v) for k, v in bundle.items() if isinstance(v, list)}
        say(f"generated {sizes} in {generate_s:.1f} s; importing")
        result = import_registry(root / "registry.sqlite", bundle, args.profile)
        say(f"imported {result['records']} records in {result['seconds']:.1f} s; baseline")
        del bundle
        gc.collect()
        baseline_s = baseline_insert(root / "registry.sqlite", root / "baseline.sqlite")
        say(f"baseline {baseline_s:.1f} s; applications on SQLite")
        sqlite_apps = applications(
            f"sqlite:///{root / 'apply.sqlite'}", root / "sqlite-home", None, args.applications
        )
        if args.no_postgres:
            pg_apps, pg_reason = None, "--no-postgres"
        else:
            say("applications on PostgreSQL")
            pg_apps, pg_reason = postgres_applications(root, args.applications)

    seconds = result["seconds"]
    out: dict[str, Any] = {
        "bench": "registry",
        "licences": sizes["licences"],
        "eucs": sizes["eucs"],
        "shipments": sizes["shipments"],
        "delivery_verifications": sizes["delivery_verifications"],
        "parties": sizes["parties"],
        "records": result["records"],
        "rows_written": sum(result["rows"].values()),
        "rows_by_table": {k: v for k, v in result["rows"].items() if v},
        "generate_s": round(generate_s, 2),
        "import_s": round(seconds, 2),
        "import_records_per_s": round(result["records"] / seconds),
        "target_s": TARGET_S,
        "meets_target": seconds <= TARGET_S,
        "profiled": bool(args.profile),
        "baseline": "SQLAlchemy Core executemany of the same rows into a fresh migrated SQLite file, one transaction",
        "baseline_s": round(baseline_s, 2),
        "ratio": round(seconds / baseline_s, 2),
        "memory": "ru_maxrss of the process at the end of the import (includes the generated bundle dict)",
        "peak_rss_mib": round(result["peak_rss_mib"], 1),
        "rss_before_import_mib": round(result["rss_before_mib"], 1),
        "apply": {
            "base_registry_licences": APPLY_BASE_LICENCES,
            "publish": "after each commit, one append per application (as `enduse licence apply`)",
            "sqlite": sqlite_apps,
            "postgresql": pg_apps,
            **({"postgresql_unavailable": pg_reason} if pg_reason else {}),
        },
        "python": sys.version.split()[0],
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
