"""The API over the workflow: tokens, roles, JSON errors with reason and path (both databases)."""

from __future__ import annotations

import copy
import json

import pytest
from fastapi.testclient import TestClient

from builders import AT, fresh_euc, make_pki, with_claims
from enduse.api.app import create_app
from enduse.docs.signing import sign_euc
from enduse.domain.bundle import load_bundle_text
from enduse.registry.db import session_factory
from enduse.scenarios import scenario_text
from enduse.workflow.imports import record_bundle
from enduse.workflow.tokens import issue_token
from enduse.workflow.users import add_user

SEED = json.loads(scenario_text())


@pytest.fixture
def api(engine, tmp_path):  # type: ignore[no-untyped-def]
    sessions = session_factory(engine)
    bundle = copy.deepcopy(SEED)
    bundle["eucs"].append(fresh_euc())
    tokens = {}
    with sessions() as session, session.begin():
        record_bundle(session, bundle)
        for name, role, authority, party in [
            ("bob", "exporter", None, "p-exporter"), ("mallory", "exporter", None, "p-broker"),
            ("olga", "licensing_officer", "RS-EXPORT", None), ("ann", "analyst", None, None),
        ]:  # fmt: skip
            add_user(session, name, role, authority=authority, party=party)
            tokens[name] = {"Authorization": f"Bearer {issue_token(session, name)}"}
    pki = make_pki(tmp_path / "pki")
    return TestClient(create_app(sessions, pki)), tokens, pki


def application(number: str, quantity: int) -> dict:
    return {"licence_number": number, "exporting_state": "RS", "authority": "RS-EXPORT",
            "applicant": "p-exporter", "euc": {"issuing_authority": "CZ-MOD", "euc_number": "CZ-MOD-2026-0007"},
            "items": [{"euc_line": 1, "quantity": quantity}]}  # fmt: skip


def test_public_verification_with_what_the_registry_knows(api):
    client, _, pki = api
    payload = sign_euc(load_bundle_text(scenario_text()).bundle, "CZ-MOD-2025-0042", pki, "CZ-MOD")
    r = client.post("/api/v1/verify", json={"payload": payload, "at": AT.isoformat()})
    assert r.status_code == 200
    body = r.json()
    assert body["result"] == "valid" and body["online"]["registered"] is True
    # the registry recorded this EUC from a bundle, unsigned: this signed form was never logged
    assert body["online"]["logged"] is False and body["online"]["inclusion_proof"] is None
    forged = with_claims(payload, lambda c: c[-70000].update(country_of_final_destination="UA"))
    assert (
        client.post("/api/v1/verify", json={"payload": forged, "at": AT.isoformat()}).json()[
            "result"
        ]
        == "bad_signature"
    )
    assert client.post("/api/v1/verify", json={"payload": "x" * 9000}).status_code == 422


def test_tokens_and_roles_are_checked_on_every_route(api):
    client, tokens, _ = api
    assert client.get("/api/v1/licences").status_code == 401
    assert (
        client.get("/api/v1/licences", headers={"Authorization": "Bearer eut_nope"}).status_code
        == 401
    )
    assert [
        x["licence_number"]
        for x in client.get("/api/v1/licences", headers=tokens["mallory"]).json()
    ] == []
    assert len(client.get("/api/v1/licences", headers=tokens["bob"]).json()) == 2
    assert client.get("/api/v1/licences/RS-2025-0107", headers=tokens["mallory"]).status_code == 404
    r = client.post("/api/v1/licences", json=application("RS-API-1", 10), headers=tokens["ann"])
    assert r.status_code == 403 and r.json()["error"]["reason"] == "forbidden_role"
    assert client.get("/api/v1/risk", headers=tokens["bob"]).status_code == 403


def test_apply_decide_and_errors_with_their_path(api):
    client, tokens, _ = api
    r = client.post("/api/v1/licences", json=application("RS-API-1", 101), headers=tokens["bob"])
    assert r.status_code == 422
    assert (
        r.json()["error"]["path"] == "$.items[0].quantity"
        and r.json()["error"]["reason"] == "overdraw"
    )
    assert (
        client.post(
            "/api/v1/licences", json=application("RS-API-1", 60), headers=tokens["bob"]
        ).status_code
        == 201
    )
    r = client.post("/api/v1/licences/RS-API-1/decision", json={"status": "issued", "date": "2026-02-01"},
                    headers=tokens["olga"])  # fmt: skip
    assert r.status_code == 200 and r.json()["signed"].startswith("LIC1:")
    r = client.post(
        "/api/v1/licences/RS-API-1/decision", json={"status": "bogus"}, headers=tokens["olga"]
    )
    assert r.status_code == 422 and r.json()["error"]["path"] == "$.status"
    assert (
        client.post(
            "/api/v1/licences/NOPE/decision", json={"status": "issued"}, headers=tokens["olga"]
        ).status_code
        == 404
    )


def test_the_risk_report_and_the_openapi_spec(api):
    client, tokens, _ = api
    r = client.get(
        "/api/v1/risk",
        params={"licence": "RS-2025-0107", "at": "2025-07-01"},
        headers=tokens["ann"],
    )
    assert r.status_code == 200
    assert ("C1", "RS-2025-0107") in {(f["rule"], f["subject"]["id"]) for f in r.json()["findings"]}
    spec = client.get("/api/v1/openapi.json").json()
    assert (
        "/api/v1/verify" in spec["paths"] and "/api/v1/licences/{number}/decision" in spec["paths"]
    )


def test_the_rest_of_a_transfer_through_the_api(api):
    client, tokens, _ = api
    assert (
        client.post(
            "/api/v1/licences", json=application("RS-API-2", 100), headers=tokens["bob"]
        ).status_code
        == 201
    )
    client.post(
        "/api/v1/licences/RS-API-2/decision",
        json={"status": "issued", "date": "2026-02-01"},
        headers=tokens["olga"],
    )
    shipment = {"shipment_id": "SH-API-1", "licence_number": "RS-API-2", "date": "2026-03-01",
                "route": ["RS", "CZ"], "items": [{"licence_line": 1, "quantity": 100, "lots": ["L-1"]}]}  # fmt: skip
    assert (
        client.post("/api/v1/shipments", json=shipment, headers=tokens["mallory"]).status_code
        == 403
    )
    r = client.post("/api/v1/shipments", json=shipment, headers=tokens["bob"])
    assert r.status_code == 201, r.json()
    again = client.post(
        "/api/v1/shipments", json=shipment | {"shipment_id": "SH-API-2"}, headers=tokens["bob"]
    )
    assert (
        again.status_code == 422 and again.json()["error"]["path"] == "$.licence_number"
    )  # exhausted
    r = client.post("/api/v1/reexport-requests", json={
        "request_id": "RX-API-1", "request_type": "re_export", "requesting_party": "p-exporter",
        "original_licence": "RS-API-2", "items": [{"licence_line": 1, "quantity": 10}], "proposed_destination": "PL",
    }, headers=tokens["bob"])  # fmt: skip
    assert r.status_code == 201, r.json()
    r = client.post("/api/v1/reexport-requests/RX-API-1/decision", json={"outcome": "refused", "criteria": [7]},
                    headers=tokens["olga"])  # fmt: skip
    assert r.status_code == 200 and r.json()["signed"].startswith("RXC1:")
    assert (
        client.post(
            "/api/v1/eucs", json={"payload": "EUC1:garbage"}, headers=tokens["olga"]
        ).json()["error"]["path"]
        == "$.signed"
    )


def test_traces_through_the_api(api):
    client, tokens, _ = api
    r = client.get("/api/v1/trace", params={"licence": "RS-2025-0131"}, headers=tokens["ann"])
    assert r.status_code == 200 and r.json()["paths"][0]["effective_destination"] == "UA"
    lot = client.get("/api/v1/trace", params={"lot": "SM-122-25-007"}, headers=tokens["ann"]).json()
    assert lot["origins"][0]["licence"] == "RS-2025-0131"
    assert client.get("/api/v1/trace", headers=tokens["ann"]).json()["error"]["reason"] == "missing"
    assert (
        client.get("/api/v1/trace", params={"licence": "NOPE"}, headers=tokens["ann"]).status_code
        == 404
    )
