"""A whole installation for page tests: the seed scenario, a PKI with signed EUCs, a log,
and one user of each role with a web password."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from builders import fresh_euc, make_pki
from enduse.api.app import create_app
from enduse.docs.local_pki import LocalPki
from enduse.docs.signing import sign_euc
from enduse.domain.bundle import load_bundle_text
from enduse.registry.db import session_factory
from enduse.scenarios import scenario_text
from enduse.tlog.local import LocalLog
from enduse.workflow.eucs import register_signed_euc
from enduse.workflow.follow_up import publish_changes
from enduse.workflow.imports import record_bundle
from enduse.workflow.licensing import apply
from enduse.workflow.logins import set_password
from enduse.workflow.users import add_user, get_user

PASSWORD = "correct horse battery staple"
EUC = "CZ-MOD-2026-0007"
APPLICATION = "RS-2026-0001"
USERS = {
    "olga": ("licensing_officer", "RS-EXPORT", None), "ann": ("analyst", None, None),
    "bob": ("exporter", None, "p-exporter"), "carl": ("customs", "BG-CUSTOMS", None),
    "ivan": ("issuing_authority", "CZ-MOD", None), "root": ("admin", None, None),
}  # fmt: skip


@dataclass
class Site:
    app: FastAPI
    pki: LocalPki
    log: LocalLog
    signed_euc: str  # a new CZ EUC, registered from its signed form
    application: str  # a licence applied for under it, waiting for a decision


def build_site(engine: Engine, home: Path, *, secure_cookies: bool = False) -> Site:
    sessions = session_factory(engine)
    pki = make_pki(home / "pki")
    bundle = json.loads(scenario_text())
    with_new = copy.deepcopy(bundle)
    with_new["eucs"].append(fresh_euc(EUC))
    signed = sign_euc(load_bundle_text(json.dumps(with_new)).bundle, EUC, pki, "CZ-MOD")
    log = LocalLog(home)
    log.init("enduse.test/log")
    with sessions() as session, session.begin():
        record_bundle(session, bundle)
        for name, (role, authority, party) in USERS.items():
            add_user(session, name, role, authority=authority, party=party)
            set_password(session, name, PASSWORD)
    with sessions() as session, session.begin():
        register_signed_euc(session, get_user(session, "ivan"), signed, pki.store())
        apply(session, get_user(session, "bob"), {
            "licence_number": APPLICATION, "exporting_state": "RS", "authority": "RS-EXPORT",
            "applicant": "p-exporter", "euc": {"issuing_authority": "CZ-MOD", "euc_number": EUC},
            "items": [{"euc_line": 1, "quantity": 40}, {"euc_line": 2, "quantity": 2000}],
        })  # fmt: skip
    publish_changes(sessions, log)
    app = create_app(sessions, pki, log_dir=log, secure_cookies=secure_cookies)
    return Site(app, pki, log, signed, APPLICATION)


def csrf_of(html: str) -> str:
    """The CSRF token of the page's (first) form."""
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field in the page"
    return found.group(1)


def signed_in(site: Site, name: str = "olga") -> TestClient:
    """A client signed in as `name`, redirects not followed."""
    client = TestClient(site.app, follow_redirects=False)
    form = client.get("/login")
    r = client.post("/login", data={"username": name, "password": PASSWORD, "next": "/",
                                    "csrf": csrf_of(form.text)})  # fmt: skip
    assert r.status_code == 303, r.text
    return client
