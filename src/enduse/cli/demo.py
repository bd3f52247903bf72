"""`enduse demo`: the seed scenario end to end, on this machine's ENDUSE_HOME.

Creates the PKI of RS, CZ and BG (once), signs the scenario's EUCs, draws
their QR codes, reads them back from the images and verifies them, shows a
tampered and a forged certificate rejected with their reasons, records the
scenario in the registry and its log, audits both, and prints its red flags.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import typer
from rich.markup import escape

from enduse.cli.common import err, local_pki, out, print_rows, user_errors
from enduse.config import database_url, home, key_passphrase
from enduse.docs.doctypes import DOC_TYPES, DOCUMENT_CLAIM
from enduse.docs.forgery import altered, look_alike
from enduse.docs.local_pki import LocalPki, PkiError
from enduse.docs.qr import read_qr, write_qr
from enduse.docs.signing import sign_euc
from enduse.docs.verify import verify
from enduse.domain.bundle import Bundle, load_bundle_text
from enduse.registry.local import open_registry
from enduse.registry.models import PartyRow
from enduse.risk.config import load_config
from enduse.risk.engine import evaluate
from enduse.risk.facts import load_facts
from enduse.scenarios import scenario_text
from enduse.tlog.local import LocalLog
from enduse.tlog.log import LogError
from enduse.workflow.audit import audit
from enduse.workflow.imports import record_bundle
from enduse.workflow.logbook import publish

PKI_START = date(2025, 1, 1)  # the scenario's documents date from 2025
CHECK_AT = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
DEMO_LOG = "enduse.demo/log"
FUNCTION_DOCS = {
    "euc_issuing": "EUC",
    "export_licensing": "LIC",
    "dvc_issuing": "DVC",
    "reexport_consent": "RXC",
}


def command() -> None:
    """Run the seed scenario: PKI, signed EUCs as QR codes, verification, a forgery rejected."""
    with user_errors():
        _run()


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


def _style(reason: str) -> str:
    return f"[bold green]{reason}[/]" if reason == "valid" else f"[bold red]{reason}[/]"


if __name__ == "__main__":
    typer.run(command)
