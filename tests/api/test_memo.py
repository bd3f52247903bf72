"""The per-worker memos of verification (both databases): `Memo` itself, online answers that
follow every registry change and checkpoint, opened payloads that follow the trust list, and
the same answers with the memo turned off."""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

import installation
from builders import fresh_euc
from enduse.api import online as online_module
from enduse.api.app import create_app
from enduse.api.context import Installation
from enduse.api.memo import Memo
from enduse.api.online import OpenedMemo
from enduse.config import verify_memo_size
from enduse.docs import verify as verify_module
from enduse.docs.doctypes import DOC_TYPES
from enduse.docs.reasons import Reason
from enduse.docs.signing import sign_euc
from enduse.docs.trust_list import TrustStore
from enduse.domain.bundle import load_bundle_text
from enduse.registry import models as m
from enduse.scenarios import scenario_text
from enduse.workflow.eucs import register_signed_euc
from enduse.workflow.follow_up import publish_changes
from enduse.workflow.licensing import apply, decide
from enduse.workflow.tokens import issue_token
from enduse.workflow.users import get_user
from installation import EUC, Site, build_site

API = "/api/v1"
AT = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)  # inside the fresh EUC's validity and the PKI's

# --- Memo ------------------------------------------------------------------------------------


def test_the_least_recently_used_entry_goes_first() -> None:
    memo: Memo[str] = Memo(3)
    for key in "abc":
        memo.put(key, key.upper())
    assert memo.get("a") == "A"  # a is now the most recently used: b is the oldest
    memo.put("d", "D")
    assert len(memo) == 3 and memo.get("b") is None
    assert (memo.get("a"), memo.get("c"), memo.get("d")) == ("A", "C", "D")
    memo.put("c", "C2")  # a put refreshes too: a is now the oldest
    memo.put("e", "E")
    assert memo.get("a") is None
    assert [memo.get(k) for k in "cde"] == ["C2", "D", "E"]
    memo.clear()
    assert len(memo) == 0 and memo.get("c") is None


def test_capacity_zero_stores_nothing() -> None:
    memo: Memo[int] = Memo(0)
    memo.put("a", 1)
    assert len(memo) == 0 and memo.get("a") is None


def test_many_threads_share_one_memo() -> None:
    memo: Memo[tuple[int, int]] = Memo(64)
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def work(t: int) -> None:
        try:
            start.wait()
            for i in range(2000):
                key = (t * 7 + i) % 100
                memo.put(key, (key, i))
                value = memo.get((key + 3) % 100)
                assert value is None or value[0] == (key + 3) % 100
                assert len(memo) <= 64
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(memo) == 64
    assert all(memo.get(k) is None or memo.get(k)[0] == k for k in range(100))  # type: ignore[index]


def test_the_memo_size_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ENDUSE_VERIFY_MEMO", raising=False)
    assert verify_memo_size() == 4096
    monkeypatch.setenv("ENDUSE_VERIFY_MEMO", "0")
    assert verify_memo_size() == 0
    monkeypatch.setenv("ENDUSE_VERIFY_MEMO", " 17 ")
    assert verify_memo_size() == 17
    for bad in ("-1", "lots", "1e3", "٣"):
        monkeypatch.setenv("ENDUSE_VERIFY_MEMO", bad)
        with pytest.raises(ValueError, match="ENDUSE_VERIFY_MEMO"):
            verify_memo_size()


# --- through the API -------------------------------------------------------------------------


@dataclass
class Api:
    client: TestClient
    site: Site
    inst: Installation
    sessions: sessionmaker[Session]
    tokens: dict[str, dict[str, str]]
    online_calls: list[str]  # one per online check actually made (the memo missed)
    opened_calls: list[str]  # one per payload actually opened

    def post(self, path: str, body: Any, who: str) -> Any:
        r = self.client.post(API + path, json=body, headers=self.tokens[who])
        assert r.status_code in (200, 201), r.text
        return r.json()

    def verify(self, payload: str, at: datetime = AT) -> dict[str, Any]:
        r = self.client.post(f"{API}/verify", json={"payload": payload, "at": at.isoformat()})
        assert r.status_code == 200, r.text
        return r.json()

    def online(self, payload: str) -> dict[str, Any]:
        body = self.verify(payload)
        assert body["result"] == "valid", body
        return body["online"]


def make_api(engine: Engine, home: Path, monkeypatch: pytest.MonkeyPatch, memo_size: int) -> Api:
    monkeypatch.setattr(installation, "set_password", lambda *args, **kwargs: None)
    site = build_site(engine, home)
    old = site.app.state.installation
    app = create_app(old.sessions, site.pki, log_dir=site.log, ui=False, memo_size=memo_size)
    inst = app.state.installation
    online_calls: list[str] = []
    opened_calls: list[str] = []
    real_online, real_open = online_module.online_checks, verify_module.open_payload

    def counted_online(db, log, doc_type_code, document, payload):  # type: ignore[no-untyped-def]
        online_calls.append(payload)
        return real_online(db, log, doc_type_code, document, payload)

    def counted_open(payload, trust, **kwargs):  # type: ignore[no-untyped-def]
        opened_calls.append(payload)
        return real_open(payload, trust, **kwargs)

    monkeypatch.setattr(online_module, "online_checks", counted_online)
    monkeypatch.setattr(online_module, "open_payload", counted_open)
    with inst.sessions() as session, session.begin():
        tokens = {
            who: {"Authorization": f"Bearer {issue_token(session, who)}"}
            for who in ("olga", "bob", "ivan")
        }
    return Api(TestClient(app), site, inst, inst.sessions, tokens, online_calls, opened_calls)


@pytest.fixture
def api(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    made = make_api(engine, tmp_path, monkeypatch, memo_size=4096)
    with made.client:
        yield made


def state(online: dict[str, Any]) -> tuple[str, bool, bool]:
    return online["status"], online["revoked"], online["exhausted"]


def issue(api: Api) -> str:
    decided = api.post(f"/licences/{api.site.application}/decision",
                       {"status": "issued", "date": "2026-02-01"}, "olga")  # fmt: skip
    return decided["signed"]


def test_a_repeated_verification_is_answered_from_the_memo(api: Api) -> None:
    first = api.verify(api.site.signed_euc)
    assert first["result"] == "valid" and first["online"]["logged"] is True
    assert (len(api.opened_calls), len(api.online_calls)) == (1, 1)
    for _ in range(3):
        assert api.verify(api.site.signed_euc) == first
    assert (len(api.opened_calls), len(api.online_calls)) == (1, 1)  # opened once, checked once
    # the line ends a scanner adds are not another document
    assert api.verify(api.site.signed_euc + "\r\n")["online"] == first["online"]
    assert len(api.online_calls) == 1


def test_the_online_answer_follows_the_licences_decisions(api: Api) -> None:
    payload = issue(api)
    assert state(api.online(payload)) == ("issued", False, False)
    assert state(api.online(payload)) == ("issued", False, False)
    calls = len(api.online_calls)
    api.post(f"/licences/{api.site.application}/decision", {"status": "suspended"}, "olga")
    assert state(api.online(payload)) == ("suspended", True, False)  # not the remembered one
    assert len(api.online_calls) == calls + 1
    api.post(f"/licences/{api.site.application}/decision", {"status": "issued"}, "olga")
    assert state(api.online(payload)) == ("issued", False, False)
    api.post(f"/licences/{api.site.application}/decision",
             {"status": "revoked", "criteria": [7]}, "olga")  # fmt: skip
    assert state(api.online(payload)) == ("revoked", True, False)


def apply_for_the_rest(api: Api, number: str = "RS-2026-0002") -> None:
    """A second licence under the fresh EUC for what the first left (60 + 3000): used up."""
    api.post("/licences", {
        "licence_number": number, "exporting_state": "RS", "authority": "RS-EXPORT",
        "applicant": "p-exporter", "euc": {"issuing_authority": "CZ-MOD", "euc_number": EUC},
        "items": [{"euc_line": 1, "quantity": 60}, {"euc_line": 2, "quantity": 3000}],
    }, "bob")  # fmt: skip


def test_an_euc_used_up_by_another_licence_is_exhausted_at_once(api: Api) -> None:
    assert state(api.online(api.site.signed_euc)) == ("registered", False, False)
    assert state(api.online(api.site.signed_euc)) == ("registered", False, False)
    apply_for_the_rest(api)
    assert state(api.online(api.site.signed_euc)) == ("exhausted", False, True)


def test_a_change_not_yet_in_the_log_changes_the_answer(api: Api) -> None:
    """The registry changed, the checkpoint did not (the change waits to be appended): the
    registry's own version tells the memo."""
    payload = issue(api)
    assert state(api.online(payload)) == ("issued", False, False)
    assert state(api.online(api.site.signed_euc)) == ("registered", False, False)
    checkpoint = api.inst.log_reader().checkpoint_text  # type: ignore[union-attr]
    with api.sessions() as session, session.begin():
        decide(session, get_user(session, "olga"), api.site.application, "suspended")
    assert state(api.online(payload)) == ("suspended", True, False)
    with api.sessions() as session, session.begin():
        apply(session, get_user(session, "bob"), {
            "licence_number": "RS-2026-0003", "exporting_state": "RS", "authority": "RS-EXPORT",
            "applicant": "p-exporter", "euc": {"issuing_authority": "CZ-MOD", "euc_number": EUC},
            "items": [{"euc_line": 1, "quantity": 60}, {"euc_line": 2, "quantity": 3000}],
        })  # fmt: skip
    assert state(api.online(api.site.signed_euc)) == ("exhausted", False, True)
    assert api.inst.log_reader().checkpoint_text == checkpoint  # type: ignore[union-attr]


def register_unpublished(api: Api, number: str = "CZ-MOD-2026-0555") -> str:
    """A new signed EUC registered through the workflow; its log entry not yet appended."""
    with_new = json.loads(scenario_text())
    with_new["eucs"].append(fresh_euc(number))
    payload = sign_euc(load_bundle_text(json.dumps(with_new)).bundle, number, api.site.pki,
                       "CZ-MOD")  # fmt: skip
    with api.sessions() as session, session.begin():
        register_signed_euc(session, get_user(session, "ivan"), payload, api.site.pki.store())
    return payload


def test_a_new_checkpoint_alone_gives_a_new_answer(api: Api) -> None:
    """Publishing appends and writes indexes back, no new registry change: the checkpoint the
    proofs are against is what changed."""
    register_unpublished(api)
    before = api.online(api.site.signed_euc)
    size = api.inst.log_reader().size  # type: ignore[union-attr]
    assert f"\n{size}\n" in before["inclusion_proof"]
    assert api.online(api.site.signed_euc) == before
    assert publish_changes(api.sessions, api.site.log) == "logged 1 changes"
    reader = api.inst.log_reader()
    assert reader is not None and reader.size == size + 1
    after = api.online(api.site.signed_euc)
    assert after["log_index"] == before["log_index"]
    assert f"\n{size + 1}\n" in after["inclusion_proof"]  # against the new checkpoint


def test_the_log_reader_is_reopened_only_for_a_new_checkpoint(api: Api) -> None:
    reader = api.inst.log_reader()
    assert reader is not None and api.inst.log_reader() is reader
    issue(api)
    newer = api.inst.log_reader()
    assert newer is not None and newer is not reader and newer.size > reader.size
    assert api.inst.log_reader() is newer


@pytest.mark.parametrize("memo_size", [4096, 0], ids=["memo", "no-memo"])
def test_a_log_index_written_back_late_is_not_hidden_by_the_memo(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, memo_size: int
) -> None:
    """A crash between the log append and the index write-back (or a verification between the
    two): the entry is in the log and the checkpoint, its index not yet in the registry. The
    write-back that follows adds no log entry and no checkpoint, yet changes the answer."""
    api = make_api(engine, tmp_path, monkeypatch, memo_size)
    payload = register_unpublished(api)
    with api.sessions() as session, api.site.log.writer() as log:
        pending = session.scalars(
            select(m.LogEntryRow).where(m.LogEntryRow.log_index.is_(None))
        ).all()
        log.append([row.entry for row in pending])  # appended; the write-back never happened
    waiting = api.online(payload)
    assert waiting["logged"] is True and waiting["log_index"] is None
    assert publish_changes(api.sessions, api.site.log).endswith("recovered)")
    online = api.online(payload)
    assert online["log_index"] is not None and online["inclusion_proof"] is not None


# --- opened payloads and the trust list ------------------------------------------------------


def test_a_signer_revoked_in_the_trust_list_stops_a_remembered_payload(api: Api) -> None:
    assert api.verify(api.site.signed_euc)["result"] == "valid"
    assert api.verify(api.site.signed_euc)["result"] == "valid"
    assert len(api.opened_calls) == 1
    kid = api.site.pki.signing_key("CZ-MOD", DOC_TYPES["EUC"]).signer.kid.hex()
    api.site.pki.revoke_signer(kid)
    body = api.verify(api.site.signed_euc)
    assert body["result"] == "signer_revoked" and body["online"] is None
    assert len(api.opened_calls) == 2  # the trust list changed: opened again


def test_a_trust_list_changed_by_another_process_counts(api: Api, tmp_path: Path) -> None:
    assert api.verify(api.site.signed_euc)["result"] == "valid"
    path = api.site.pki.list_path
    data = json.loads(path.read_text("utf-8"))
    other = TrustStore.from_json(copy.deepcopy(data))
    kid = api.site.pki.signing_key("CZ-MOD", DOC_TYPES["EUC"]).signer.kid
    other.revoke(kid, datetime.now(UTC))
    path.write_text(json.dumps(other.to_json()), "utf-8")  # as `enduse pki revoke-signer` would
    assert api.verify(api.site.signed_euc)["result"] == "signer_revoked"


def test_the_opened_memo_starts_afresh_for_another_trust_list(session_pki, cz_payload) -> None:
    at = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
    memo = OpenedMemo(8)
    store = session_pki.store()
    assert memo.verify(cz_payload, store, at).valid
    assert memo.verify(cz_payload, store, datetime(2026, 1, 1, tzinfo=UTC)).result is (
        Reason.EXPIRED
    )  # remembered, and checked at each time
    revoked = TrustStore.from_json(store.to_json())
    revoked.revoke(session_pki.signing_key("CZ-MOD", DOC_TYPES["EUC"]).signer.kid, at)
    assert memo.verify(cz_payload, revoked, at).result is Reason.SIGNER_REVOKED
    assert memo.verify(cz_payload, store, at).valid
    # an unknown signer is remembered too, until a trust list that knows it
    assert memo.verify(cz_payload, TrustStore(), at).result is Reason.UNKNOWN_SIGNER
    assert memo.verify(cz_payload, TrustStore(), at).result is Reason.UNKNOWN_SIGNER
    assert memo.verify(cz_payload, store, at).valid


# --- without the memo ------------------------------------------------------------------------


@pytest.fixture
def cold(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    made = make_api(engine, tmp_path, monkeypatch, memo_size=0)
    with made.client:
        yield made


def test_with_the_memo_off_every_answer_is_fresh_and_right(cold: Api) -> None:
    payload = issue(cold)
    for _ in range(2):
        assert state(cold.online(payload)) == ("issued", False, False)
    cold.post(f"/licences/{cold.site.application}/decision", {"status": "suspended"}, "olga")
    assert state(cold.online(payload)) == ("suspended", True, False)
    assert state(cold.online(cold.site.signed_euc)) == ("registered", False, False)
    apply_for_the_rest(cold)
    assert state(cold.online(cold.site.signed_euc)) == ("exhausted", False, True)
    assert len(cold.online_calls) == 5 and len(cold.opened_calls) == 5  # nothing remembered
    kid = cold.site.pki.signing_key("CZ-MOD", DOC_TYPES["EUC"]).signer.kid.hex()
    cold.site.pki.revoke_signer(kid)
    assert cold.verify(cold.site.signed_euc)["result"] == "signer_revoked"
    assert len(cold.inst.online._answers) == 0 and len(cold.inst.opened._opened) == 0


def test_the_server_reads_the_memo_size_from_the_environment(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from enduse.cli.serve import build_app

    monkeypatch.setenv("ENDUSE_VERIFY_MEMO", "0")
    inst = build_app().state.installation
    assert inst.online._answers.capacity == 0 and inst.opened._opened.capacity == 0
    monkeypatch.setenv("ENDUSE_VERIFY_MEMO", "12")
    inst = build_app().state.installation
    assert inst.online._answers.capacity == 12 and inst.opened._opened.capacity == 12
