"""`enduse demo`: the seed scenario end to end, on this machine's ENDUSE_HOME.

Creates the PKI of RS, CZ and BG (once), signs the scenario's EUCs, draws
their QR codes, reads them back from the images and verifies them, shows a
tampered and a forged certificate rejected with their reasons, records the
scenario in the registry and its log, audits both, and prints its red flags.
"""

from __future__ import annotations

import json
import os
import secrets
from datetime import UTC, date, datetime, timedelta
from importlib.resources import as_file, files
from typing import Annotated

import typer
from rich.markup import escape

from enduse.cli.common import err, local_pki, out, print_rows, user_errors
from enduse.config import database_url, home, key_passphrase, screening_home
from enduse.docs.doctypes import DOC_TYPES, DOCUMENT_CLAIM
from enduse.docs.forgery import altered, look_alike
from enduse.docs.local_pki import LocalPki, PkiError
from enduse.docs.qr import read_qr, write_qr
from enduse.docs.signing import sign_euc
from enduse.docs.verify import verify
from enduse.domain.bundle import Bundle, load_bundle_text
from enduse.registry.local import open_registry
from enduse.registry.models import LicenceRow, PartyRow, UserRow
from enduse.risk.config import load_config
from enduse.risk.engine import evaluate
from enduse.risk.facts import load_facts
from enduse.scenarios import scenario_text
from enduse.screening.lists import load_list
from enduse.tlog.local import LocalLog
from enduse.tlog.log import LogError
from enduse.workflow.audit import audit
from enduse.workflow.eucs import register_signed_euc
from enduse.workflow.follow_up import lists_loaded, publish_changes, screen_changes
from enduse.workflow.imports import record_bundle
from enduse.workflow.licensing import apply
from enduse.workflow.logbook import publish
from enduse.workflow.logins import set_password
from enduse.workflow.users import add_user, get_user

PKI_START = date(2025, 1, 1)  # the scenario's documents date from 2025
CHECK_AT = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
SEED_ARTICLE = "seed-article.txt"  # the news article the project started from (scenarios/ORIGIN.md)
DEMO_LOG = "enduse.demo/log"
FUNCTION_DOCS = {
    "euc_issuing": "EUC",
    "export_licensing": "LIC",
    "dvc_issuing": "DVC",
    "reexport_consent": "RXC",
}


def command(
    serve: Annotated[
        bool, typer.Option(help="then start the web server and print demo logins")
    ] = False,
    port: Annotated[int, typer.Option(min=1, max=65535, help="the web server's port")] = 8000,
) -> None:
    """Run the seed scenario: PKI, signed EUCs as QR codes, verification, a forgery rejected,
    the registry and its log, screening, red flags; with --serve, the whole story in a browser."""
    with user_errors():
        _run()
        logins = _desk()
        _seed_report()
        _flags()
    if serve:
        _serve(port, logins)


def _ensure_pki(pki: LocalPki, bundle: Bundle) -> None:
    store = pki.store()
    for state in ("RS", "CZ", "BG"):
        if not any(c.state == state and c.status == "active" for c in store.cscas):
            pki.init_state(state, valid_from=PKI_START)
            err.print(f"created the CSCA of {state}")
    for authority in bundle.authorities:
        for function in authority.functions:
            doc_type = DOC_TYPES[FUNCTION_DOCS[function]]
            try:
                pki.signing_key(authority.id, doc_type, CHECK_AT.date())
            except PkiError:
                pki.issue_signer(authority.state, authority.id, [doc_type], valid_from=PKI_START)
                err.print(f"issued a {doc_type.code} signer to {authority.id}", markup=False)


def _tampered(payload: str) -> str:
    """The same signature over altered content: what a forger with a genuine EUC would try."""

    def change(claims: dict) -> None:
        document = claims[DOCUMENT_CLAIM]
        document["country_of_final_destination"] = "UA"
        document["items"][0]["quantity"] *= 10

    return altered(payload, change)


def _forged(bundle: Bundle, euc_number: str) -> str:
    """A certificate signed by a look-alike "CZ" PKI that no trust list contains."""
    euc = bundle.euc(euc_number)[0]
    return look_alike(DOC_TYPES["EUC"], euc, bundle, euc.issuing_state, euc.issuing_authority)


def _run() -> None:
    bundle = load_bundle_text(scenario_text()).bundle
    pki = local_pki()
    _ensure_pki(pki, bundle)
    qr_dir = home() / "demo" / "qr"
    qr_dir.mkdir(parents=True, exist_ok=True)
    rows: list[list[str]] = []
    first: tuple[str, str] | None = None
    for euc in bundle.eucs:
        payload = sign_euc(bundle, euc.euc_number, pki, euc.issuing_authority)
        png, svg = qr_dir / f"{euc.euc_number}.png", qr_dir / f"{euc.euc_number}.svg"
        write_qr(payload, png)
        write_qr(payload, svg)
        scanned = read_qr(png)
        for when in (CHECK_AT, datetime.now(UTC)):
            r = verify(scanned, pki.store(), at=when)
            detail = "" if r.valid else escape(r.details.get("message", ""))
            rows.append(
                [
                    escape(euc.key),
                    escape(png.name),
                    f"{when:%Y-%m-%d}",
                    _style(r.result.value),
                    detail,
                ]
            )
        first = first or (euc.euc_number, payload)
    assert first is not None
    bad = {
        "tampered": _tampered(first[1]),
        "forged": _forged(bundle, first[0]),
    }
    for label, payload in bad.items():
        png = qr_dir / f"{first[0]}-{label}.png"
        write_qr(payload, png)
        r = verify(read_qr(png), pki.store(), at=CHECK_AT)
        rows.append([escape(f"{label} copy of {first[0]}"), escape(png.name), f"{CHECK_AT:%Y-%m-%d}",
                     _style(r.result.value), escape(r.details.get("message", ""))])  # fmt: skip
    print_rows(["document", "QR image", "verified at", "result", "detail"], rows, "Seed scenario")
    out.print(f"QR codes are in {qr_dir}", markup=False)
    out.print(
        f"Try: enduse verify --image {qr_dir / (first[0] + '.png')} --at 2025-06-01", markup=False
    )
    _registry(bundle)


def _registry(bundle: Bundle) -> None:
    """The scenario in the embedded registry, every record in the log, and the audit of both."""
    sessions = open_registry(home(), database_url())
    with sessions() as session, session.begin():
        if session.get(PartyRow, bundle.parties[0].id) is None:
            imported = record_bundle(session, json.loads(scenario_text()))
            err.print(
                f"imported the scenario: {sum(imported.counts.values())} records", markup=False
            )
    local = LocalLog(home(), key_passphrase(), database_url())
    try:
        local.vkey()
    except LogError:
        local.init(DEMO_LOG)
        err.print(f"created the transparency log {DEMO_LOG}", markup=False)
    with sessions() as session, session.begin(), local.writer() as log:
        publish(session, log)
    with sessions() as session:
        result = audit(session, local.reader())
    status = "consistent" if result.consistent else "NOT consistent"
    out.print(
        f"registry audit: {status}: {result.records} records, {result.entries} changes, "
        f"log size {result.log_size}, root {result.root.hex()}",
        markup=False,
    )
    for problem in result.problems:
        out.print(f"  {problem}", markup=False)


DEMO_USERS = {  # name: (role, authority, party)
    "officer": ("licensing_officer", "RS-EXPORT", None),
    "analyst": ("analyst", None, None),
    "exporter": ("exporter", None, "p-exporter"),
    "customs": ("customs", "BG-CUSTOMS", None),
    "ministry": ("issuing_authority", "CZ-MOD", None),
    "admin": ("admin", None, None),
}
DEMO_EUC, DEMO_APPLICATION = "CZ-MOD-2026-0900", "RS-2026-0900"


def _desk() -> dict[str, tuple[str, str]]:
    """The demo list loaded and every party screened; a fresh EUC registered from its signed
    form with an application waiting for the officer; one user per role, with a password when
    this run created it. Users of those names that were there already are left as they are:
    their passwords (the operator's, or an earlier demo's) are not this command's to reset."""
    lists = screening_home()
    if not lists_loaded(lists):
        with as_file(files("enduse.scenarios") / "demo-sanctions.ftm.json") as path:
            load_list(lists, path, "enduse_demo")
        err.print("loaded the demo sanctions list", markup=False)
    sessions = open_registry(home(), database_url())
    logins: dict[str, tuple[str, str]] = {}
    kept: list[str] = []
    with sessions() as session, session.begin():
        for name, (role, authority, party) in DEMO_USERS.items():
            existing = session.get(UserRow, name)
            if existing is not None:
                kept.append(name if existing.role == role else f"{name} (a {existing.role})")
                continue
            add_user(session, name, role, authority=authority, party=party)
            password = secrets.token_urlsafe(12)
            set_password(session, name, password)
            logins[name] = (role, password)
    if kept:
        err.print(
            f"left alone the existing users {', '.join(kept)}: their passwords are unchanged "
            "(set one with `enduse users password NAME`)",
            markup=False,
        )
    pki = local_pki()
    with sessions() as session, session.begin():
        if session.get(LicenceRow, DEMO_APPLICATION) is None:
            today = datetime.now(UTC).date()
            data = json.loads(scenario_text())
            euc = dict(data["eucs"][0], euc_number=DEMO_EUC, date_of_issue=today.isoformat(),
                       valid_until=(today + timedelta(days=365)).isoformat())  # fmt: skip
            euc["items"] = [
                dict(euc["items"][0], quantity=5000),
                dict(euc["items"][1], quantity=200000),
            ]
            data["eucs"].append(euc)
            payload = sign_euc(load_bundle_text(json.dumps(data)).bundle, DEMO_EUC, pki, "CZ-MOD")
            register_signed_euc(session, get_user(session, "ministry"), payload, pki.store())
            apply(session, get_user(session, "exporter"), {
                "licence_number": DEMO_APPLICATION, "exporting_state": "RS", "authority": "RS-EXPORT",
                "applicant": "p-exporter", "euc": {"issuing_authority": "CZ-MOD", "euc_number": DEMO_EUC},
                "items": [{"euc_line": 1, "quantity": 2000}, {"euc_line": 2, "quantity": 100000}],
            })  # fmt: skip
            write_qr(payload, home() / "demo" / "qr" / f"{DEMO_EUC}.png")
    err.print(
        publish_changes(sessions, LocalLog(home(), key_passphrase(), database_url())), markup=False
    )
    err.print(screen_changes(sessions, lists), markup=False)
    return logins


def _seed_report() -> None:
    """The news article the project started from, read like any report: its alleged transfer
    recorded as an observation, and the licences it concerns (G7)."""
    from enduse.cli.osint import linked_licences
    from enduse.workflow.open_source import record_reports

    text = scenario_text(SEED_ARTICLE)
    sessions = open_registry(home(), database_url())
    with sessions() as session, session.begin():
        ingested = record_reports(session, [(SEED_ARTICLE, text)], "seed news article",
                                  CHECK_AT.date())  # fmt: skip
    err.print(
        publish_changes(sessions, LocalLog(home(), key_passphrase(), database_url())), markup=False
    )
    for i in ingested:
        o = i.observation
        via = ", ".join(o["via_states"]) or ("unnamed intermediaries" if o["via_unnamed"] else "-")
        out.print(f"The seed article alleges {o['from_state']} -> {o['to_state']} via {via} "
                  f"({o['report_status']}, according to {', '.join(o['claimants']) or 'the article'})",
                  markup=False)  # fmt: skip
    links = linked_licences(
        {i.observation["id"] for i in ingested}, CHECK_AT.date() + timedelta(days=30)
    )
    print_rows(["licence", "severity", "finding", "evidence"],
               [[x["licence"], x["severity"], escape(x["message"]), escape((x["evidence"] or [""])[0])]
                for x in links], "Licences the seed article concerns (G7)")  # fmt: skip


def _flags() -> None:
    """The scenario's red flags, after screening (B1 needs the screening results)."""
    sessions = open_registry(home(), database_url())
    with sessions() as session:
        facts = load_facts(session)
    facts.trust = local_pki().store()
    findings = evaluate(facts, load_config(), CHECK_AT.date() + timedelta(days=30))
    print_rows(
        ["rule", "severity", "subject", "finding"],
        [
            [f.rule, f.severity, escape(f"{f.subject_type} {f.subject_id}"), escape(f.message)]
            for f in findings
        ],
        f"Diversion red flags of the scenario on {CHECK_AT.date() + timedelta(days=30)}",
    )
    out.print("Try: enduse risk --licence RS-2025-0131 --at 2025-07-01 --json; enduse trace --licence RS-2025-0131",
              markup=False)  # fmt: skip


def _serve(port: int, logins: dict[str, tuple[str, str]]) -> None:
    import uvicorn

    url = f"http://127.0.0.1:{port}/"
    if logins:
        print_rows(["user", "role", "password"], [[n, r, p] for n, (r, p) in logins.items()],
                   "Demo logins (the users this run created)")  # fmt: skip
    out.print(f"Open {url} and sign in; start with 'officer'. Verify a QR code at {url}verify "
              f"(images in {home() / 'demo' / 'qr'}). Ctrl-C stops the server.", markup=False)  # fmt: skip
    os.environ["ENDUSE_INSECURE_COOKIES"] = "1"  # plain HTTP on loopback
    uvicorn.run("enduse.cli.serve:build_app", factory=True, host="127.0.0.1", port=port,
                log_level="warning")  # fmt: skip


def _style(reason: str) -> str:
    return f"[bold green]{reason}[/]" if reason == "valid" else f"[bold red]{reason}[/]"


if __name__ == "__main__":
    typer.run(command)
