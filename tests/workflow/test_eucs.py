"""Registering EUCs from records and from signed payloads (both databases)."""

from __future__ import annotations

import copy
import json

import pytest
from sqlalchemy import select

from builders import AT, fresh_euc, last_change, snapshot, with_claims
from enduse.docs.doctypes import DOC_TYPES
from enduse.docs.forgery import look_alike
from enduse.docs.signing import sign_record
from enduse.domain.bundle import load_bundle_text
from enduse.domain.errors import DomainError
from enduse.domain.euc import EUC
from enduse.registry.models import EucRow, PartyRow
from enduse.scenarios import scenario_text
from enduse.workflow.eucs import register_euc, register_signed_euc
from enduse.workflow.roles import PermissionDenied
from enduse.workflow.users import get_user

BUNDLE = load_bundle_text(scenario_text()).bundle


def test_an_issuing_authority_registers_its_own_states_eucs(desk):
    euc = register_euc(desk, get_user(desk, "ivan"), fresh_euc("CZ-MOD-2026-0100"))
    desk.commit()
    assert euc.key == "CZ-MOD:CZ-MOD-2026-0100"
    assert last_change(desk) == ("eucs:CZ-MOD:CZ-MOD-2026-0100", "euc_registered", None)
    with pytest.raises(PermissionDenied, match="speaks for BG"):
        register_euc(desk, get_user(desk, "petar"), fresh_euc("CZ-MOD-2026-0101"))
    with pytest.raises(PermissionDenied):
        register_euc(desk, get_user(desk, "ann"), fresh_euc("CZ-MOD-2026-0101"))


def test_a_number_is_unique_per_issuing_authority_and_references_must_exist(desk):
    olga = get_user(desk, "olga")
    before = snapshot(desk)
    with pytest.raises(DomainError) as info:
        register_euc(desk, olga, fresh_euc())
    assert (info.value.first.path, info.value.first.reason) == ("$.euc_number", "duplicate")
    bad = dict(fresh_euc("CZ-MOD-2026-0102"), end_user="p-nobody", consignees=["p-ghost"])
    with pytest.raises(DomainError) as info:
        register_euc(desk, olga, bad)
    assert [(p.path, p.reason) for p in info.value.problems] == [
        ("$.end_user", "dangling_reference"),
        ("$.consignees[0]", "dangling_reference"),
    ]
    assert "no party 'p-nobody' in the registry" in str(info.value)
    with pytest.raises(DomainError) as info:
        register_euc(desk, olga, dict(fresh_euc("CZ-MOD-2026-0103"), issuing_state="BG"))
    assert info.value.first.path == "$.issuing_state"
    with pytest.raises(DomainError) as info:
        register_euc(desk, olga, dict(fresh_euc("CZ-MOD-2026-0104"), items="many"))
    assert info.value.first.path == "$.items"
    assert snapshot(desk) == before


def _signed(number: str, pki, **changes) -> str:  # type: ignore[no-untyped-def]
    data = dict(fresh_euc(number), **changes)
    bundle = BUNDLE.model_copy(update={"parties": [*BUNDLE.parties]})
    return sign_record(bundle, DOC_TYPES["EUC"], EUC.model_validate(data), pki)


def test_a_signed_euc1_is_verified_then_registered_with_its_payload(desk, pki):
    payload = _signed("CZ-MOD-2026-0200", pki)
    euc = register_signed_euc(
        desk, get_user(desk, "olga"), payload, pki.store(), at=AT.replace(year=2026)
    )
    desk.commit()
    row = desk.scalars(select(EucRow).where(EucRow.euc_number == "CZ-MOD-2026-0200")).one()
    assert row.signed == payload == euc.signed == row.document["signed"]
    assert row.document["end_user"] == "p-army-cz"  # ids again, not the embedded parties
    assert row.document["intermediaries"] == [{"party": "p-broker", "role": "broker"}]


def test_a_signed_euc_brings_the_parties_the_registry_lacks(desk, pki):
    bundle = copy.deepcopy(json.loads(scenario_text()))
    newcomer = {"id": "p-army-new", "name": "New Army", "country": "CZ", "kind": "government"}
    bundle["parties"].append(newcomer)
    parsed = load_bundle_text(json.dumps(bundle)).bundle
    data = EUC.model_validate(dict(fresh_euc("CZ-MOD-2026-0201"), end_user="p-army-new"))
    payload = sign_record(parsed, DOC_TYPES["EUC"], data, pki)
    register_signed_euc(
        desk, get_user(desk, "olga"), payload, pki.store(), at=AT.replace(year=2026)
    )
    assert desk.get(PartyRow, "p-army-new").document == newcomer


@pytest.mark.parametrize("forgery", ["tampered", "look_alike", "not_an_euc"])
def test_a_forged_payload_is_refused_with_its_reason_and_nothing_is_written(desk, pki, forgery):
    payload = _signed("CZ-MOD-2026-0300", pki)
    if forgery == "tampered":

        def change(claims):  # type: ignore[no-untyped-def]
            claims[-70000]["country_of_final_destination"] = "UA"

        payload, reason = with_claims(payload, change), "bad_signature"
    elif forgery == "look_alike":
        euc = EUC.model_validate(fresh_euc("CZ-MOD-2026-0300"))
        payload, reason = (
            look_alike(DOC_TYPES["EUC"], euc, BUNDLE, "CZ", "CZ-MOD"),
            "unknown_signer",
        )
    else:
        payload, reason = "DVC1:" + payload[5:], "bad_prefix"
    before = snapshot(desk)
    with pytest.raises(DomainError) as info:
        register_signed_euc(
            desk, get_user(desk, "olga"), payload, pki.store(), at=AT.replace(year=2026)
        )
    assert (info.value.first.path, info.value.first.reason) == ("$.signed", reason)
    assert snapshot(desk) == before


def test_a_refused_signed_registration_leaves_nothing_even_if_committed(desk, pki):
    bundle = copy.deepcopy(json.loads(scenario_text()))
    bundle["parties"].append({"id": "p-new", "name": "New", "country": "CZ", "kind": "government"})
    parsed = load_bundle_text(json.dumps(bundle)).bundle
    data = EUC.model_validate(dict(fresh_euc("CZ-MOD-2026-0400"), end_user="p-new"))
    payload = sign_record(parsed, DOC_TYPES["EUC"], data, pki)
    before = snapshot(desk)
    with pytest.raises(PermissionDenied):  # BG's authority may not register CZ's EUC
        register_signed_euc(
            desk, get_user(desk, "petar"), payload, pki.store(), at=AT.replace(year=2026)
        )
    desk.commit()  # a careless caller: the operation's savepoint already undid its writes
    assert snapshot(desk) == before
    assert desk.get(PartyRow, "p-new") is None


def test_a_signed_field_is_only_taken_from_a_verified_payload(desk, pki):
    other = _signed("CZ-MOD-2026-0500", pki)
    with pytest.raises(DomainError) as info:
        register_euc(
            desk, get_user(desk, "olga"), dict(fresh_euc("CZ-MOD-2026-0501"), signed=other)
        )
    assert info.value.first.path == "$.signed"
    payload = _signed("CZ-MOD-2026-0502", pki)
    euc = register_signed_euc(
        desk, get_user(desk, "olga"), payload + "\r\n", pki.store(), at=AT.replace(year=2026)
    )
    assert euc.signed == payload  # stored as verified, without the line end
