"""Every route × every role: 401 without a token, 403 exactly where the role table says so."""

from __future__ import annotations

import copy
import json

import pytest
from fastapi.testclient import TestClient

from builders import fresh_euc, make_pki
from enduse.api.app import create_app
from enduse.registry.db import session_factory
from enduse.scenarios import scenario_text
from enduse.workflow.imports import record_bundle
from enduse.workflow.tokens import issue_token
from enduse.workflow.users import add_user

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
# route -> the roles that may use it (None: no login needed)
MATRIX = [
    ("POST", "/api/v1/verify", {"payload": "EUC1:x"}, None),
    ("GET", "/api/v1/licences", None, set(ROLES)),
    ("GET", "/api/v1/licences/RS-2025-0107", None, set(ROLES)),
    ("POST", "/api/v1/licences", APPLICATION, {"exporter"}),
    (
        "POST",
        "/api/v1/licences/RS-2025-0107/decision",
        {"status": "suspended"},
        {"licensing_officer"},
    ),
    ("POST", "/api/v1/eucs", EUC, {"issuing_authority", "licensing_officer", "admin"}),
    ("POST", "/api/v1/shipments", SHIPMENT, {"exporter"}),
    ("POST", "/api/v1/dvcs", DVC, {"customs"}),
    ("POST", "/api/v1/reexport-requests", REQUEST, {"exporter", "issuing_authority"}),
    ("GET", "/api/v1/risk?at=2025-07-01", None, {"licensing_officer", "analyst", "admin"}),
    ("GET", "/api/v1/trace?licence=RS-2025-0131", None, {"licensing_officer", "analyst", "admin"}),
]


@pytest.fixture
def client_and_tokens(engine, tmp_path):  # type: ignore[no-untyped-def]
    sessions = session_factory(engine)
    bundle = copy.deepcopy(json.loads(scenario_text()))
    bundle["eucs"].append(fresh_euc())
    tokens = {}
    with sessions() as session, session.begin():
        record_bundle(session, bundle)
        for role, (authority, party) in ROLES.items():
            add_user(session, f"u-{role}", role, authority=authority, party=party)
            tokens[role] = {"Authorization": f"Bearer {issue_token(session, f'u-{role}')}"}
    return TestClient(create_app(sessions, make_pki(tmp_path / "pki"))), tokens


@pytest.mark.parametrize(
    ("method", "path", "body", "allowed"), MATRIX, ids=[f"{m} {p}" for m, p, _, _ in MATRIX]
)
def test_route_by_role(client_and_tokens, method, path, body, allowed):
    client, tokens = client_and_tokens
    anonymous = client.request(method, path, json=body)
    assert (anonymous.status_code == 401) == (allowed is not None), anonymous.json()
    for role, headers in tokens.items():
        r = client.request(method, path, json=body, headers=headers)
        if allowed is None or role in allowed:
            assert r.status_code not in (401, 403), (role, r.json())
        else:
            assert r.status_code == 403, (role, r.status_code, r.json())
