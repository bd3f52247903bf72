"""Every route × every role: 401 without a token, 403 exactly where the role table says so.

The matrix has a row for every operation of the OpenAPI spec, and a test fails when the spec
has an operation the matrix lacks: a new route cannot be added without saying who may use it.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient
from sqlalchemy.orm import sessionmaker

from builders import fresh_euc, make_pki
from enduse.api.app import create_app
from enduse.docs import note
from enduse.docs.local_pki import LocalPki
from enduse.domain.bundle import FORMAT
from enduse.registry.db import session_factory
from enduse.scenarios import scenario_text
from enduse.tlog.local import LocalLog
from enduse.tlog.witness import Witness
from enduse.workflow.follow_up import publish_changes
from enduse.workflow.imports import record_bundle
from enduse.workflow.reexports import request_reexport
from enduse.workflow.roles import PERMISSIONS, Action
from enduse.workflow.tokens import issue_token
from enduse.workflow.users import add_user, get_user

ROLES = {
    "exporter": (None, "p-exporter"), "licensing_officer": ("RS-EXPORT", None),
    "issuing_authority": ("CZ-MOD", None), "customs": ("CZ-CUSTOMS", None),
    "analyst": (None, None), "admin": (None, None),
}  # fmt: skip
APPLICATION = {"licence_number": "RS-M-1", "exporting_state": "RS", "authority": "RS-EXPORT", "applicant": "p-exporter",
               "euc": {"issuing_authority": "CZ-MOD", "euc_number": "CZ-MOD-2026-0007"},
               "items": [{"euc_line": 1, "quantity": 1}]}  # fmt: skip
DVC = {"dvc_number": "CZ-DVC-M", "issuing_authority": "CZ-CUSTOMS", "licence_number": "RS-2025-0107",
       "shipment_id": "SH-2025-0001", "arrival_date": "2025-04-12", "items": [{"licence_line": 1, "quantity": 1}]}  # fmt: skip
EUC = dict(fresh_euc("CZ-MOD-2026-0900"))
SHIPMENT = {"shipment_id": "SH-M-1", "licence_number": "RS-2025-0107", "date": "2025-05-01", "route": ["RS", "CZ"],
            "items": [{"licence_line": 1, "quantity": 1}]}  # fmt: skip
REQUEST = {"request_id": "RX-M-1", "request_type": "re_export", "requesting_party": "p-exporter",
           "original_licence": "RS-2025-0107", "items": [{"licence_line": 1, "quantity": 1}], "proposed_destination": "PL"}  # fmt: skip
PENDING = dict(REQUEST, request_id="RX-SEED-1")  # recorded by the fixture, to be decided
ADD_CHECKPOINT = "<the log's checkpoint, for the witness to cosign>"  # the fixture makes it


def may(action: Action) -> set[str]:
    """The roles the role table lets do `action`."""
    return {str(role) for role in PERMISSIONS[action]}


EVERYONE = may(Action.READ)
API = "/api/v1"
# (method, path, body, the roles that may use it; None: no login needed)
MATRIX = [
    ("POST", "/verify", {"payload": "EUC1:x"}, None),
    ("GET", "/eucs?limit=5&offset=0", None, EVERYONE),
    ("GET", "/eucs/CZ-MOD/CZ-MOD-2025-0042", None, EVERYONE),
    ("POST", "/eucs", EUC, may(Action.REGISTER_EUC)),
    ("POST", "/eucs", {"payload": "EUC1:x"}, may(Action.REGISTER_EUC)),
    ("GET", "/licences?status=issued", None, EVERYONE),
    ("GET", "/licences/RS-2025-0107", None, EVERYONE),
    ("POST", "/licences", APPLICATION, may(Action.APPLY)),
    ("POST", "/licences/RS-2025-0107/decision", {"status": "suspended"},
     may(Action.DECIDE_LICENCE)),
    ("GET", "/shipments?licence=RS-2025-0107", None, EVERYONE),
    ("POST", "/shipments", SHIPMENT, may(Action.SHIP)),
    ("GET", "/dvcs", None, EVERYONE),
    ("POST", "/dvcs", DVC, may(Action.ADD_DVC)),
    ("POST", "/dvcs", {"payload": "DVC1:x"}, may(Action.ADD_SIGNED_DVC)),
    ("GET", "/reexport-requests", None, EVERYONE),
    ("POST", "/reexport-requests", REQUEST, may(Action.REQUEST_REEXPORT)),
    ("POST", "/reexport-requests/RX-SEED-1/decision", {"outcome": "refused", "criteria": [7]},
     may(Action.DECIDE_REEXPORT)),
    ("POST", "/bundles", {"format": FORMAT}, may(Action.IMPORT)),
    ("GET", "/bundle", None, may(Action.AUDIT)),
    ("GET", "/risk?at=2025-07-01", None, may(Action.REPORT)),
    ("GET", "/trace?licence=RS-2025-0131", None, may(Action.REPORT)),
    ("GET", "/screening?name=Yugoimport", None, may(Action.REPORT)),  # 409 no_lists if allowed
    ("GET", "/parties/p-exporter/screenings", None, may(Action.REPORT)),
    ("POST", "/reports", {"reports": [{"name": "r", "text": "Serbian shells reached Ukraine."}]},
     may(Action.RECORD_OBSERVATION)),
    ("GET", "/log/checkpoint", None, None),
    ("GET", "/log/proof?index=0", None, None),
    ("GET", "/log/consistency?old=1", None, None),
    ("GET", "/log/records?record=licences:RS-2025-0107", None, None),
    ("POST", "/witness/add-checkpoint", ADD_CHECKPOINT, None),  # C2SP tlog-witness, not /api/v1
]  # fmt: skip


def url(path: str) -> str:
    return path if path.startswith("/witness/") else API + path


def template_of(path: str, templates: list[str]) -> str | None:
    """The spec's path template (`/licences/{number}`) a concrete path is an instance of."""
    bare = url(path).partition("?")[0]
    for template in templates:
        if re.fullmatch(re.sub(r"\{[^}/]+\}", "[^/]+", template), bare):
            return template
    return None


def make_witness(home: Path, log: LocalLog) -> Witness:
    signer = note.CosignatureSigner("witness.test.example/w1", Ed25519PrivateKey.generate())
    return Witness(signer, [note.parse_vkey(log.vkey())], home / "witness.json")


@dataclass
class Server:
    client: TestClient
    tokens: dict[str, dict[str, str]]
    add_checkpoint: bytes  # a tlog-witness request for the log's latest checkpoint

    def request(self, method, path, body, headers=None):  # type: ignore[no-untyped-def]
        if body is ADD_CHECKPOINT:
            return self.client.request(
                method, url(path), content=self.add_checkpoint, headers=headers
            )
        return self.client.request(method, url(path), json=body, headers=headers)


@pytest.fixture
def server(engine, tmp_path) -> Server:  # type: ignore[no-untyped-def]
    sessions = session_factory(engine)
    bundle = copy.deepcopy(json.loads(scenario_text()))
    bundle["eucs"].append(fresh_euc())
    tokens = {}
    with sessions() as session, session.begin():
        record_bundle(session, bundle)
        for role, (authority, party) in ROLES.items():
            add_user(session, f"u-{role}", role, authority=authority, party=party)
            tokens[role] = {"Authorization": f"Bearer {issue_token(session, f'u-{role}')}"}
    with sessions() as session, session.begin():
        request_reexport(session, get_user(session, "u-exporter"), PENDING)
    log = LocalLog(tmp_path / "home")
    log.init("enduse.test/log")
    publish_changes(sessions, log)
    app = create_app(
        sessions, make_pki(tmp_path / "pki"), log_dir=log, witness=make_witness(tmp_path, log),
        ui=False,
    )  # fmt: skip
    add_checkpoint = b"old 0\n\n" + log.reader().checkpoint_text.encode("utf-8")
    return Server(TestClient(app), tokens, add_checkpoint)


@pytest.mark.parametrize(
    ("method", "path", "body", "allowed"), MATRIX, ids=[f"{m} {p}" for m, p, _, _ in MATRIX]
)
def test_route_by_role(server, method, path, body, allowed):
    anonymous = server.request(method, path, body)
    assert (anonymous.status_code == 401) == (allowed is not None), anonymous.text
    if allowed is None:
        assert anonymous.status_code < 400, anonymous.text  # public, and the fixture has a log
    for role, headers in server.tokens.items():
        r = server.request(method, path, body, headers)
        if allowed is None or role in allowed:
            assert r.status_code not in (401, 403), (role, r.text)
        else:
            assert r.status_code == 403, (role, r.status_code, r.text)
            assert r.json()["error"]["reason"] == "forbidden_role", (role, r.json())


def test_a_bad_token_is_401_on_every_protected_route(server):
    for method, path, body, allowed in MATRIX:
        if allowed is None:
            continue
        for header in (
            "Bearer eut_nope",
            "Basic dTpw",
            "eut_nope",
            "Bearer ",
            "Bearer " + "x" * 300,
        ):
            r = server.request(method, path, body, {"Authorization": header})
            assert r.status_code == 401, (method, path, header, r.json())
            assert r.json()["error"]["reason"] == "unauthenticated"


def test_every_operation_of_the_spec_has_its_row(tmp_path):
    """Adding a route without adding it to MATRIX (with the roles that may use it) fails here."""
    log = LocalLog(tmp_path)
    log.init("enduse.test/log")
    witness = make_witness(tmp_path, log)  # a server with every optional part: all its routes
    app = create_app(sessionmaker(), LocalPki(tmp_path / "pki"), log_dir=log, witness=witness)
    paths = app.openapi()["paths"]
    templates = sorted(paths, key=len, reverse=True)
    in_spec = {(method.upper(), path) for path, ops in paths.items() for method in ops}
    in_matrix = set()
    for method, path, _, _ in MATRIX:
        template = template_of(path, templates)
        assert template is not None, f"{method} {path}: a row for a route the spec does not have"
        assert method.lower() in paths[template], f"{method} {path}: not an operation of the spec"
        in_matrix.add((method, template))
    assert sorted(in_spec - in_matrix) == [], "operations without a row in MATRIX"
