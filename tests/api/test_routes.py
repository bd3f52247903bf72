"""The routes of a whole installation, as a client sees them (both databases): listings with
paging and the exporter's scope, bundle import and export, the log as JSON with proofs that
verify offline, verification's online half (registered, logged, revoked, exhausted), and
screening."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import cbor2
import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

import installation
from builders import AT, CZ_EUC, fresh_euc
from enduse.api.app import create_app
from enduse.api.routes import bundles
from enduse.docs import note
from enduse.docs.doctypes import DOC_TYPES
from enduse.docs.signing import sign_euc, signer_of
from enduse.domain.bundle import FORMAT, MAX_BUNDLE_BYTES, load_bundle_text
from enduse.domain.licence import Licence
from enduse.registry import models as m
from enduse.scenarios import scenario_text
from enduse.screening.lists import load_list
from enduse.tlog import merkle
from enduse.tlog.checkpoint import open_checkpoint
from enduse.tlog.proof import parse_proof, verify_proof
from enduse.workflow.logbook import document_hash
from enduse.workflow.recording import signing_bundle
from enduse.workflow.tokens import issue_token
from enduse.workflow.users import add_user
from installation import EUC, Site, build_site
from screening_lists import ENTITIES, write_list

API = "/api/v1"
LATER = "2026-06-01T12:00:00+00:00"  # inside the fresh EUC's validity and the PKI's


@dataclass
class Api:
    client: TestClient
    site: Site
    sessions: sessionmaker[Session]
    tokens: dict[str, dict[str, str]]

    def get(self, path: str, who: str | None = None, **params: Any) -> Response:
        return self.client.get(API + path, params=params, headers=self.tokens.get(who or "", {}))

    def post(self, path: str, body: Any, who: str | None = None) -> Response:
        return self.client.post(API + path, json=body, headers=self.tokens.get(who or "", {}))

    def ok(self, path: str, who: str | None = None, **params: Any) -> Any:
        r = self.get(path, who, **params)
        assert r.status_code == 200, r.text
        return r.json()

    def verifier(self) -> note.Verifier:
        return note.parse_vkey(self.site.log.vkey())

    def raw_entry(self, index: int) -> bytes:
        return self.site.log.reader().entry(index)


@pytest.fixture
def api(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    # the API takes tokens, not web passwords: skip argon2-hashing six (1/3 s each)
    monkeypatch.setattr(installation, "set_password", lambda *args, **kwargs: None)
    site = build_site(engine, tmp_path)
    sessions = site.app.state.installation.sessions
    with sessions() as session, session.begin():
        add_user(session, "mallory", "exporter", party="p-broker")  # another exporter
        tokens = {
            name: {"Authorization": f"Bearer {issue_token(session, name)}"}
            for name in ("olga", "ann", "bob", "carl", "ivan", "root", "mallory")
        }
    with TestClient(site.app) as client:
        yield Api(client, site, sessions, tokens)


def entry_bytes(described: dict[str, Any]) -> bytes:
    """The log entry an API answer describes, re-encoded (hashes come base64-encoded)."""
    raw = {k: base64.b64decode(v) if k in ("doc_id_hash", "doc_hash") else v
           for k, v in described.items()}  # fmt: skip
    return cbor2.dumps(raw, canonical=True)


def numbers(rows: list[dict[str, Any]], key: str) -> list[str]:
    return [row[key] for row in rows]


# --- listings ------------------------------------------------------------------------------------


def test_listings_page_with_limit_and_offset(api: Api) -> None:
    for path, key in [("/licences", "licence_number"), ("/eucs", "euc_number"),
                      ("/shipments", "shipment_id"), ("/dvcs", "dvc_number")]:  # fmt: skip
        everything = numbers(api.ok(path, "olga"), key)
        assert len(everything) == len(set(everything)) >= 1, path
        for offset in range(len(everything) + 1):
            assert (
                numbers(api.ok(path, "olga", limit=1, offset=offset), key)
                == everything[offset : offset + 1]
            ), (path, offset)
        assert numbers(api.ok(path, "olga", limit=2, offset=1), key) == everything[1:3]
        assert api.ok(path, "olga", offset=len(everything)) == []
        for bad in ({"limit": 0}, {"limit": 1001}, {"offset": -1}, {"limit": "x"}):
            r = api.get(path, "olga", **bad)
            assert r.status_code == 422, (path, bad, r.text)
            assert r.json()["error"]["path"] == f"$.{next(iter(bad))}"
    in_recording_order = ["RS-2025-0107", "RS-2025-0131", "RS-2026-0001"]
    assert numbers(api.ok("/licences", "olga"), "licence_number") == in_recording_order
    applied = api.ok("/licences", "olga", status="applied")
    assert numbers(applied, "licence_number") == ["RS-2026-0001"]
    assert applied[0]["status"] == "applied"
    assert numbers(api.ok("/shipments", "olga", licence="RS-2025-0131"), "shipment_id") == [
        "SH-2025-0002"
    ]
    assert numbers(api.ok("/dvcs", "olga", licence="RS-2025-0107"), "dvc_number") == []


def test_an_exporter_sees_only_its_own_records(api: Api) -> None:
    brokers_euc = fresh_euc("CZ-MOD-2026-0100") | {"exporter": "p-broker"}
    assert api.post("/eucs", brokers_euc, "ivan").status_code == 201
    application = {
        "licence_number": "RS-2026-0900", "exporting_state": "RS", "authority": "RS-EXPORT",
        "applicant": "p-broker", "items": [{"euc_line": 1, "quantity": 5}],
        "euc": {"issuing_authority": "CZ-MOD", "euc_number": "CZ-MOD-2026-0100"},
    }  # fmt: skip
    assert api.post("/licences", application, "bob").status_code == 403  # not bob's party
    r = api.post("/licences", application, "mallory")
    assert r.status_code == 201, r.text
    request = {
        "request_id": "RX-BOB-1", "request_type": "re_export", "requesting_party": "p-exporter",
        "original_licence": "RS-2025-0107", "items": [{"licence_line": 1, "quantity": 1}],
        "proposed_destination": "PL",
    }  # fmt: skip
    assert api.post("/reexport-requests", request, "bob").status_code == 201

    # the officer reads everything
    assert numbers(api.ok("/licences", "olga"), "licence_number") == [
        "RS-2025-0107", "RS-2025-0131", "RS-2026-0001", "RS-2026-0900",
    ]  # fmt: skip
    # each exporter its own licences, the EUCs they draw on, and what hangs off them
    assert numbers(api.ok("/licences", "bob"), "licence_number") == [
        "RS-2025-0107", "RS-2025-0131", "RS-2026-0001",
    ]  # fmt: skip
    assert numbers(api.ok("/licences", "mallory"), "licence_number") == ["RS-2026-0900"]
    assert numbers(api.ok("/eucs", "bob"), "euc_number") == [CZ_EUC, "BG-MOD-2025-0310", EUC]
    assert numbers(api.ok("/eucs", "mallory"), "euc_number") == ["CZ-MOD-2026-0100"]
    assert numbers(api.ok("/shipments", "bob"), "shipment_id") == ["SH-2025-0001", "SH-2025-0002"]
    assert api.ok("/shipments", "mallory") == []
    assert api.ok("/shipments", "mallory", licence="RS-2025-0107") == []  # a filter widens nothing
    assert numbers(api.ok("/dvcs", "bob"), "dvc_number") == ["BG-DVC-2025-0091"]
    assert (
        api.ok("/dvcs", "mallory") == []
        and api.ok("/dvcs", "mallory", licence="RS-2025-0131") == []
    )
    assert numbers(api.ok("/reexport-requests", "bob"), "request_id") == ["RX-BOB-1"]
    assert api.ok("/reexport-requests", "mallory") == []
    assert numbers(api.ok("/reexport-requests", "ann"), "request_id") == ["RX-BOB-1"]
    # paging applies within the exporter's scope
    assert numbers(api.ok("/licences", "bob", limit=1, offset=2), "licence_number") == [
        "RS-2026-0001"
    ]
    assert api.ok("/licences", "mallory", limit=1, offset=1) == []

    # another exporter's records are not found, exactly as records that do not exist
    assert api.ok("/licences/RS-2026-0900", "mallory")["status"] == "applied"
    assert api.ok("/licences/RS-2025-0107", "bob")["status"] == "issued"
    for who, path in [
        ("mallory", "/licences/RS-2025-0107"), ("bob", "/licences/RS-2026-0900"),
        ("mallory", f"/eucs/CZ-MOD/{CZ_EUC}"), ("bob", "/eucs/CZ-MOD/CZ-MOD-2026-0100"),
        ("mallory", "/licences/NOPE"), ("bob", "/eucs/CZ-MOD/NOPE"),
    ]:  # fmt: skip
        r = api.get(path, who)
        assert r.status_code == 404 and r.json()["error"]["reason"] == "not_found", (who, path)
    assert api.ok(f"/eucs/CZ-MOD/{CZ_EUC}", "bob")["euc_number"] == CZ_EUC
    assert api.ok("/eucs/CZ-MOD/CZ-MOD-2026-0100", "carl")["exporter"] == "p-broker"
    # ... nor can it act on them
    shipment = {"shipment_id": "SH-M-1", "licence_number": "RS-2025-0107", "date": "2025-05-01",
                "route": ["RS", "CZ"], "items": [{"licence_line": 1, "quantity": 1}]}  # fmt: skip
    r = api.post("/shipments", shipment, "mallory")
    assert r.status_code == 403 and r.json()["error"]["reason"] == "forbidden_scope"


# --- bundles -------------------------------------------------------------------------------------

NEW_PARTY = {
    "id": "p-new",
    "name": "Nova Logistika d.o.o.",
    "country": "HR",
    "kind": "freight_forwarder",
}


def test_a_bundle_imports_all_or_nothing(api: Api) -> None:
    before = api.ok("/log/checkpoint")["size"]
    bad = {
        "format": FORMAT,
        "parties": [NEW_PARTY, {"id": "p-bad", "country": "HR", "kind": "broker"}],
    }
    r = api.client.post(f"{API}/bundles", json=bad, headers=api.tokens["root"])
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["path"] == "$.parties[1].name" and error["reason"] == "missing", error
    exported = api.client.get(f"{API}/bundle", headers=api.tokens["root"]).json()
    assert "p-new" not in {p["id"] for p in exported["parties"]}  # nothing of it recorded
    assert api.ok("/log/checkpoint")["size"] == before  # ... nor logged

    dangling = {"format": FORMAT, "parties": [NEW_PARTY], "licences": [
        {**api.ok("/licences/RS-2025-0107", "olga"), "licence_number": "RS-B-1",
         "euc": {"issuing_authority": "CZ-MOD", "euc_number": "NOPE"}}]}  # fmt: skip
    r = api.client.post(f"{API}/bundles", json=dangling, headers=api.tokens["root"])
    assert r.status_code == 422 and r.json()["error"]["path"] == "$.licences[0].euc", r.text
    assert api.get("/licences/RS-B-1", "olga").status_code == 404
    assert "p-new" not in {
        p["id"]
        for p in api.client.get(f"{API}/bundle", headers=api.tokens["root"]).json()["parties"]
    }

    for body, reason in [
        (b"{", "bad_json"), (b"[]", "wrong_type"), (b'{"format": "x/1"}', "bad_format"),
        (b"\xff", "bad_encoding"),
    ]:  # fmt: skip
        r = api.client.post(f"{API}/bundles", content=body, headers=api.tokens["root"])
        assert r.status_code == 422 and r.json()["error"]["reason"] == reason, (body, r.text)

    good = {"format": FORMAT, "parties": [NEW_PARTY]}
    r = api.client.post(f"{API}/bundles", json=good, headers=api.tokens["root"])
    assert r.status_code == 201, r.text
    assert r.json()["imported"]["parties"] == 1
    exported = api.client.get(f"{API}/bundle", headers=api.tokens["ann"])
    assert exported.status_code == 200 and exported.headers["content-type"] == "application/json"
    assert NEW_PARTY in exported.json()["parties"]
    assert exported.json()["format"] == FORMAT
    assert api.ok("/log/checkpoint")["size"] == before + 1  # the import was logged
    records = api.ok("/log/records", record="parties:p-new")["entries"]
    assert len(records) == 1 and records[0]["proof"] is not None
    # the export is a bundle the registry reads back
    assert load_bundle_text(exported.content).bundle.party("p-new") is not None


def test_an_oversized_bundle_is_refused_before_it_is_read(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    read = []

    def body() -> Iterator[bytes]:
        read.append(True)
        yield b'{"format": "enduse.bundle/1"}'

    headers = {**api.tokens["root"], "Content-Length": str(MAX_BUNDLE_BYTES + 1)}
    r = api.client.post(f"{API}/bundles", content=body(), headers=headers)
    assert r.status_code == 413 and r.json()["error"]["reason"] == "too_large", r.text
    assert read == []  # refused on the declared length, the body never touched
    # without a length, a body is refused once it passes the limit
    monkeypatch.setattr(bundles, "MAX_BUNDLE_BYTES", 1000)
    chunks = (b'{"format": "enduse.bundle/1", "description": "' + b"x" * 600 for _ in range(3))
    r = api.client.post(f"{API}/bundles", content=chunks, headers=api.tokens["root"])
    assert r.status_code == 413 and r.json()["error"]["reason"] == "too_large", r.text
    # and a non-administrator is refused before either
    r = api.client.post(
        f"{API}/bundles", content=body(), headers={**api.tokens["ann"], "Content-Length": "1"}
    )
    assert r.status_code == 403 and read == []


# --- the log as JSON -----------------------------------------------------------------------------


def test_the_checkpoint_is_signed_by_the_logs_key(api: Api) -> None:
    cp = api.ok("/log/checkpoint")
    checkpoint, _ = open_checkpoint(cp["text"], api.verifier(), "enduse.test/log")
    reader = api.site.log.reader()
    assert (cp["origin"], cp["size"]) == ("enduse.test/log", checkpoint.size)
    assert checkpoint.size == reader.size > 0
    assert base64.b64decode(cp["root_hash"]) == checkpoint.root == reader.root()
    assert len(cp["signatures"]) == 1


def test_inclusion_proofs_verify_against_the_logs_key(api: Api) -> None:
    size = api.ok("/log/checkpoint")["size"]
    for index in sorted({0, 1, size // 2, size - 1}):
        answer = api.ok("/log/proof", index=index)
        assert answer["index"] == index
        raw = entry_bytes(answer["entry"])
        assert raw == api.raw_entry(index)
        proof = parse_proof(answer["proof"])
        checkpoint = verify_proof(proof, api.verifier(), merkle.leaf_hash(raw))
        assert (proof.index, checkpoint.size) == (index, size)
        with pytest.raises(merkle.ProofError):  # it proves this entry, not another
            verify_proof(proof, api.verifier(), merkle.leaf_hash(raw + b"x"))
    for bad in ({"index": size}, {"index": 0, "size": size + 1}):
        r = api.get("/log/proof", **bad)
        assert r.status_code == 404 and r.json()["error"]["reason"] == "not_found", (bad, r.text)
    r = api.get("/log/proof", index=-1)
    assert r.status_code == 422 and r.json()["error"]["path"] == "$.index"
    assert api.get("/log/proof").status_code == 422

    # a change grows the log; a proof against the earlier checkpoint still verifies
    decided = api.post(
        f"/licences/{api.site.application}/decision", {"status": "under_review"}, "olga"
    )
    assert decided.status_code == 200, decided.text
    assert api.ok("/log/checkpoint")["size"] == size + 1
    old = api.ok("/log/proof", index=0, size=size)
    assert verify_proof(parse_proof(old["proof"]), api.verifier(),
                        merkle.leaf_hash(api.raw_entry(0))).size == size  # fmt: skip
    newest = api.ok("/log/proof", index=size)
    assert newest["entry"]["type"] == "licence_under_review"
    assert newest["entry"]["prev_status"] == "applied"
    verify_proof(
        parse_proof(newest["proof"]), api.verifier(), merkle.leaf_hash(api.raw_entry(size))
    )


def test_a_records_entries_with_their_proofs(api: Api) -> None:
    record = "licences:RS-2025-0107"
    answer = api.ok("/log/records", record=record)
    assert answer["record"] == record and len(answer["entries"]) >= 1
    for item in answer["entries"]:
        raw = entry_bytes(item["entry"])
        assert (
            base64.b64decode(item["entry"]["doc_id_hash"])
            == hashlib.sha256(record.encode()).digest()
        )
        assert raw == api.raw_entry(item["index"])
        proof = parse_proof(item["proof"])
        assert proof.index == item["index"]
        verify_proof(proof, api.verifier(), merkle.leaf_hash(raw))
    # a decision adds the record's next entry, in order
    r = api.post(
        f"/licences/{api.site.application}/decision", {"status": "refused", "criteria": [7]}, "olga"
    )
    assert r.status_code == 200, r.text
    entries = api.ok("/log/records", record=f"licences:{api.site.application}")["entries"]
    assert [e["entry"]["type"] for e in entries] == ["licence_applied", "licence_refused"]
    assert entries[0]["index"] < entries[1]["index"]
    assert entries[1]["entry"]["prev_status"] == "applied"
    r = api.get("/log/records", record="licences:NOPE")
    assert r.status_code == 404 and r.json()["error"]["path"] == "$.record"
    assert api.get("/log/records", record="x" * 251).status_code == 422


def test_consistency_proofs_link_checkpoints(api: Api) -> None:
    first = api.ok("/log/checkpoint")
    bundle = {"format": FORMAT, "parties": [NEW_PARTY, dict(NEW_PARTY, id="p-new-2")]}
    assert (
        api.client.post(f"{API}/bundles", json=bundle, headers=api.tokens["root"]).status_code
        == 201
    )
    second = api.ok("/log/checkpoint")
    assert second["size"] == first["size"] + 2
    for old in (1, first["size"] // 2, first["size"]):
        answer = api.ok("/log/consistency", old=old)
        assert (answer["old"], answer["new"]) == (old, second["size"])
        hashes = [base64.b64decode(h) for h in answer["hashes"]]
        old_root = api.site.log.reader().root(old)
        merkle.verify_consistency(old, second["size"], hashes, old_root,
                                  base64.b64decode(second["root_hash"]))  # fmt: skip
    answer = api.ok("/log/consistency", old=first["size"] // 2, new=first["size"])
    merkle.verify_consistency(
        first["size"] // 2, first["size"], [base64.b64decode(h) for h in answer["hashes"]],
        api.site.log.reader().root(first["size"] // 2), base64.b64decode(first["root_hash"]),
    )  # fmt: skip
    assert api.ok("/log/consistency", old=second["size"])["hashes"] == []
    for bad in ({"old": second["size"] + 1}, {"old": 3, "new": 2}):
        r = api.get("/log/consistency", **bad)
        assert r.status_code == 404 and r.json()["error"]["path"] == "$.old", (bad, r.text)


def test_a_consistency_proof_from_the_empty_tree_is_refused_not_a_crash(api: Api) -> None:
    r = api.get("/log/consistency", old=0)
    assert r.status_code == 422 and r.json()["error"]["path"] == "$.old", r.text


def test_a_proof_against_an_unpublished_size_names_the_size(api: Api) -> None:
    size = api.ok("/log/checkpoint")["size"]
    r = api.get("/log/proof", index=0, size=size - 1)  # never published: one batch made the log
    assert r.status_code == 404 and r.json()["error"]["path"] == "$.size", r.text


# --- verification's online half -----------------------------------------------------------------


def assert_logged(api: Api, online: dict[str, Any], payload: str) -> None:
    """`online` says the very document is logged, with a tlog-proof of its entry that verifies."""
    assert online["registered"] is True and online["logged"] is True
    proof = parse_proof(online["inclusion_proof"])
    assert proof.index == online["log_index"]
    raw = api.raw_entry(proof.index)
    verify_proof(proof, api.verifier(), merkle.leaf_hash(raw))
    assert cbor2.loads(raw)["doc_hash"] == document_hash({}, payload)  # the hash of this document


def test_a_signed_euc_registered_from_its_signed_form_is_logged(api: Api) -> None:
    r = api.client.post(f"{API}/verify", json={"payload": api.site.signed_euc, "at": LATER})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["result"] == "valid" and body["document_type"] == "EUC"
    online = body["online"]
    assert online["record"] == f"eucs:CZ-MOD:{EUC}"
    assert_logged(api, online, api.site.signed_euc)
    assert online["other_document_registered"] is False
    assert (online["status"], online["revoked"], online["exhausted"]) == (
        "registered",
        False,
        False,
    )

    # the seed's EUC, recorded unsigned and fully licensed: registered, not this document, used up
    seed = sign_euc(load_bundle_text(scenario_text()).bundle, CZ_EUC, api.site.pki, "CZ-MOD")
    online = api.client.post(f"{API}/verify", json={"payload": seed, "at": AT.isoformat()}).json()[
        "online"
    ]
    assert online["registered"] is True and online["logged"] is False
    assert online["inclusion_proof"] is None and online["log_index"] is None
    assert (online["status"], online["exhausted"]) == ("exhausted", True)

    # an authentic EUC the registry never saw: no online facts about it
    with_new = json.loads(scenario_text())
    with_new["eucs"].append(fresh_euc("CZ-MOD-2026-0555"))
    unknown = sign_euc(load_bundle_text(json.dumps(with_new)).bundle, "CZ-MOD-2026-0555",
                       api.site.pki, "CZ-MOD")  # fmt: skip
    body = api.client.post(f"{API}/verify", json={"payload": unknown, "at": LATER}).json()
    assert body["result"] == "valid"
    assert body["online"]["registered"] is False and body["online"]["logged"] is False
    assert body["online"]["other_document_registered"] is False
    assert state(body["online"]) == (None, None, None)

    # an invalid document has no online half
    body = api.client.post(f"{API}/verify", json={"payload": "EUC1:x"}).json()
    assert body["valid"] is False and body["online"] is None


def licence_row(api: Api, number: str) -> m.LicenceRow:
    with api.sessions() as session:
        row = session.get(m.LicenceRow, number)
        assert row is not None
        return row


def online_of(api: Api, payload: str) -> dict[str, Any]:
    r = api.client.post(f"{API}/verify", json={"payload": payload})
    assert r.status_code == 200 and r.json()["result"] == "valid", r.text
    return r.json()["online"]


def state(online: dict[str, Any]) -> tuple[str, bool, bool]:
    return online["status"], online["revoked"], online["exhausted"]


def decide(api: Api, body: dict[str, Any]) -> dict[str, Any]:
    r = api.post(f"/licences/{api.site.application}/decision", body, "olga")
    assert r.status_code == 200, r.text
    return r.json()


def test_a_signed_licence_follows_its_decisions(api: Api) -> None:
    number = api.site.application
    assert licence_row(api, number).signed is None  # applied: nothing signed yet
    issued = decide(api, {"status": "issued", "date": "2026-02-01"})
    payload = issued["signed"]
    assert payload.startswith("LIC1:")
    assert licence_row(api, number).signed == payload  # the signed licence is kept with its row
    assert api.ok(f"/licences/{number}", "bob")["status"] == "issued"

    online = online_of(api, payload)
    assert online["record"] == f"licences:{number}"
    assert_logged(api, online, payload)
    assert state(online) == ("issued", False, False)

    assert decide(api, {"status": "suspended"})["signed"] == payload  # the signature stays
    assert state(online_of(api, payload)) == ("suspended", True, False)  # withdrawn, for now
    decide(api, {"status": "issued"})  # reinstated
    assert state(online_of(api, payload)) == ("issued", False, False)

    shipment = {"shipment_id": "SH-ALL-1", "licence_number": number, "date": "2026-03-01",
                "route": ["RS", "CZ"], "items": [
                    {"licence_line": 1, "quantity": 40, "lots": ["L-1"]},
                    {"licence_line": 2, "quantity": 2000, "lots": ["L-2"]}]}  # fmt: skip
    r = api.post("/shipments", shipment, "bob")
    assert r.status_code == 201, r.text
    assert state(online_of(api, payload)) == ("exhausted", False, True)

    revoked = decide(api, {"status": "revoked", "criteria": [7]})
    assert revoked["signed"] == payload and revoked["criteria_cited"] == [7]
    online = online_of(api, payload)
    assert state(online) == ("revoked", True, False)
    assert_logged(api, online, payload)  # still this very document's entry
    assert licence_row(api, number).signed == payload


def test_revoking_an_issued_licence_flips_revoked(api: Api) -> None:
    payload = decide(api, {"status": "issued", "date": "2026-02-01"})["signed"]
    assert online_of(api, payload)["revoked"] is False
    r = api.post(f"/licences/{api.site.application}/decision", {"status": "revoked"}, "olga")
    assert r.status_code == 422 and r.json()["error"]["path"] == "$.criteria_cited"
    assert online_of(api, payload)["revoked"] is False  # a refused decision changes nothing
    decide(api, {"status": "revoked", "criteria": [7]})
    assert state(online_of(api, payload)) == ("revoked", True, False)
    r = api.post(f"/licences/{api.site.application}/decision", {"status": "issued"}, "olga")
    assert r.status_code == 422 and r.json()["error"]["reason"] == "invalid_transition"


def test_another_signed_form_of_a_licence_is_not_this_document(api: Api) -> None:
    payload = decide(api, {"status": "issued", "date": "2026-02-01"})["signed"]
    # the authority signs the same licence number again, with another validity: a reissue, or
    # a signing key misused; authentic, registered by number, but not the document logged
    with api.sessions() as session:
        row = session.get(m.LicenceRow, api.site.application)
        assert row is not None
        licence = Licence.model_validate({k: v for k, v in row.document.items() if k != "signed"})
        bundle = signing_bundle(session, licence.authority, licence.party_ids())
    shorter = licence.model_copy(update={"valid_until": licence.valid_until - timedelta(days=1)})
    other = signer_of(api.site.pki)(bundle, DOC_TYPES["LIC"], shorter)
    assert other != payload
    online = online_of(api, other)
    assert online["registered"] is True and online["logged"] is False
    assert online["other_document_registered"] is True and online["inclusion_proof"] is None
    assert state(online) == ("issued", False, False)  # what the registry says of the number
    assert online_of(api, payload)["other_document_registered"] is False


def test_a_naive_verification_time_is_not_a_crash(api: Api) -> None:
    r = api.client.post(f"{API}/verify", json={"payload": api.site.signed_euc, "at": LATER[:19]})
    assert r.status_code in (200, 422), r.text


@pytest.mark.parametrize(
    "at", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00"]
)
def test_any_screening_time_is_an_answer_not_a_crash(
    api: Api, engine: Engine, request: pytest.FixtureRequest, at: str
) -> None:
    r = api.get("/parties/p-exporter/screenings", "olga", at=at)
    assert r.status_code in (200, 422), r.text


# --- screening -----------------------------------------------------------------------------------


def test_screening_names_and_parties(api: Api, tmp_path: Path) -> None:
    r = api.get("/screening", "ann", name="Yugoimport SDPR")
    assert r.status_code == 409 and r.json()["error"]["reason"] == "no_lists"  # none loaded yet
    lists = tmp_path / "lists"
    load_list(lists, write_list(tmp_path / "entities.ftm.json", ENTITIES), "test")
    inst = api.site.app.state.installation
    app = create_app(inst.sessions, api.site.pki, log_dir=api.site.log, lists=lists, ui=False)
    client = TestClient(app)
    r = client.get(f"{API}/screening", params={"name": "Jugoimport SDPR", "country": "RS"},
                   headers=api.tokens["ann"])  # fmt: skip
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["query"]["name"] == "Jugoimport SDPR" and body["lists_version"] >= 1
    assert body["hits"][0]["id"] == "os-yugoimport"
    r = client.get(f"{API}/screening", params={"name": " "}, headers=api.tokens["ann"])
    assert r.status_code == 422 and r.json()["error"]["path"] == "$.name"
    assert (
        client.get(f"{API}/screening", params={"name": "x"}, headers=api.tokens["bob"]).status_code
        == 403
    )

    before = datetime.now(UTC)
    assert api.ok("/parties/p-exporter/screenings", "ann") == []  # nothing screened yet
    # a change screens the parties it touched, after the answer
    r = client.post(f"{API}/licences/{api.site.application}/decision",
                    json={"status": "under_review"}, headers=api.tokens["olga"])  # fmt: skip
    assert r.status_code == 200, r.text
    screenings = api.ok("/parties/p-exporter/screenings", "ann")
    assert len(screenings) >= 1 and screenings[0]["list_version"] >= 1
    assert api.ok("/parties/p-exporter/screenings", "ann", at=before.isoformat()) == []
    r = api.get("/parties/p-nobody/screenings", "ann")
    assert r.status_code == 404 and r.json()["error"]["path"] == "$.party"


# --- open-source reports ------------------------------------------------------------------------


def test_an_analyst_submits_a_report_and_sees_the_licences_it_concerns(api: Api) -> None:
    text = ("Serbian shells reached Ukraine through Czechia\n\n"
            "MOSCOW, 12 June 2025 - Russia's Foreign Intelligence Service said Serbian arms makers "
            "shipped 152 mm shells to Ukraine through the Czech Republic in 2025.")  # fmt: skip
    body = {"source": "SVR statement", "reports": [{"name": "svr", "text": text}]}
    r = api.post("/reports", body, "ann")
    assert r.status_code == 201, r.text
    (obs,) = r.json()["observations"]
    assert (obs["from_state"], obs["to_state"], obs["via_states"], obs["new"]) == (
        "RS",
        "UA",
        ["CZ"],
        True,
    )
    assert ("RS-2025-0107", "high") in {(x["licence"], x["severity"]) for x in r.json()["links"]}
    logged = api.ok("/log/records", record=f"observations:{obs['id']}")
    assert len(logged["entries"]) == 1 and logged["entries"][0]["proof"]  # logged like any record
    again = api.post("/reports", body, "ann").json()
    assert [o["new"] for o in again["observations"]] == [False]
    too_long = api.post("/reports", {"reports": [{"name": "x", "text": "x" * 400_001}]}, "ann")
    assert too_long.status_code == 422 and too_long.json()["error"]["path"].startswith(
        "$.reports[0].text"
    )
