"""Tests for enduse.docs.compact: embedded parties, CWT claims and day boundaries."""

from __future__ import annotations

import calendar
import copy
import zlib
from datetime import date
from typing import Any

import cbor2
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from hypothesis import given
from hypothesis import strategies as st

from enduse.docs.base45 import b45decode
from enduse.docs.compact import (
    EMBEDDED_PARTY_FIELDS,
    EXP,
    IAT,
    ISS,
    claims_for,
    day_end,
    day_start,
    embed_parties,
    encode_payload,
    extract_parties,
)
from enduse.docs.cose import decode_sign1, verify_signature
from enduse.docs.doctypes import DOC_TYPES, DOCUMENT_CLAIM
from enduse.domain.bundle import Bundle, load_bundle_text
from enduse.domain.errors import DomainError
from enduse.domain.party import Party
from enduse.scenarios import scenario_text

EUC = DOC_TYPES["EUC"]
LIC = DOC_TYPES["LIC"]
DVC = DOC_TYPES["DVC"]
RXC = DOC_TYPES["RXC"]
CZ_EUC = "CZ-MOD-2025-0042"

EXPORTER = {
    "id": "p-exporter",
    "name": "Sumadija Munitions d.o.o.",
    "country": "RS",
    "kind": "manufacturer",
}


@pytest.fixture(scope="module")
def bundle() -> Bundle:
    return load_bundle_text(scenario_text()).bundle


@pytest.fixture(scope="module")
def parties(bundle: Bundle) -> dict[str, Party]:
    return {p.id: p for p in bundle.parties}


@pytest.fixture
def euc_doc(bundle: Bundle) -> dict[str, Any]:
    (euc,) = bundle.euc(CZ_EUC)
    return euc.to_json()


def party_dict(parties: dict[str, Party], party_id: str) -> dict[str, Any]:
    p = parties[party_id]
    return {"id": p.id, "name": p.name, "country": p.country, "kind": p.kind}


# --- embed / extract ------------------------------------------------------------------------


def test_scenario_euc_is_what_the_tests_assume(euc_doc: dict[str, Any]) -> None:
    assert euc_doc["exporter"] == "p-exporter"
    assert euc_doc["end_user"] == "p-army-cz"
    assert euc_doc["consignees"] == ["p-forwarder"]
    assert euc_doc["intermediaries"] == [{"party": "p-broker", "role": "broker"}]
    assert euc_doc["date_of_issue"] == "2025-02-03"
    assert euc_doc["valid_until"] == "2025-12-31"


def test_embed_replaces_every_party_id(euc_doc: dict[str, Any], parties: dict[str, Party]) -> None:
    out = embed_parties(EUC, euc_doc, parties)
    assert out["exporter"] == EXPORTER
    assert out["end_user"] == party_dict(parties, "p-army-cz")
    assert out["consignees"] == [party_dict(parties, "p-forwarder")]
    assert out["intermediaries"] == [{"party": party_dict(parties, "p-broker"), "role": "broker"}]
    # Everything else is untouched.
    for key in euc_doc.keys() - {"exporter", "end_user", "consignees", "intermediaries"}:
        assert out[key] == euc_doc[key]
    assert out.keys() == euc_doc.keys()


def test_embed_keeps_only_id_name_country_kind(
    euc_doc: dict[str, Any], parties: dict[str, Party]
) -> None:
    assert parties["p-exporter"].aliases  # the scenario exporter has aliases to drop
    rich = Party.model_validate(
        {
            "id": "p-rich",
            "name": "Rich Party",
            "country": "DE",
            "kind": "broker",
            "aliases": ["RP"],
            "registration_id": "HRB 123",
            "address": "Somewhere 1",
            "phone": "+49 000",  # unknown key, kept by the model as an extra
        }
    )
    assert "phone" in rich.to_json()
    doc = {**euc_doc, "end_user": "p-rich"}
    out = embed_parties(EUC, doc, {**parties, "p-rich": rich})
    assert out["end_user"] == {
        "id": "p-rich",
        "name": "Rich Party",
        "country": "DE",
        "kind": "broker",
    }
    assert out["exporter"] == EXPORTER
    assert EMBEDDED_PARTY_FIELDS == ("id", "name", "country", "kind")
    for embedded in (out["exporter"], out["end_user"], *out["consignees"]):
        assert set(embedded) == set(EMBEDDED_PARTY_FIELDS)


def test_embed_drops_signed(euc_doc: dict[str, Any], parties: dict[str, Party]) -> None:
    doc = {**euc_doc, "signed": "EUC1:6BF..."}
    out = embed_parties(EUC, doc, parties)
    assert "signed" not in out
    assert doc["signed"] == "EUC1:6BF..."  # the input keeps it


def test_embed_does_not_change_its_input(
    euc_doc: dict[str, Any], parties: dict[str, Party]
) -> None:
    before = copy.deepcopy(euc_doc)
    out = embed_parties(EUC, euc_doc, parties)
    assert euc_doc == before
    out["intermediaries"][0]["role"] = "changed"
    out["consignees"].append("x")
    assert euc_doc == before


def test_round_trip(euc_doc: dict[str, Any], parties: dict[str, Party]) -> None:
    embedded = embed_parties(EUC, {**euc_doc, "signed": "x"}, parties)
    back, found = extract_parties(EUC, embedded)
    assert back == euc_doc
    assert found == [
        EXPORTER,
        party_dict(parties, "p-army-cz"),
        party_dict(parties, "p-forwarder"),
        party_dict(parties, "p-broker"),
    ]


def test_round_trip_through_cbor(euc_doc: dict[str, Any], parties: dict[str, Party]) -> None:
    embedded = embed_parties(EUC, euc_doc, parties)
    decoded = cbor2.loads(cbor2.dumps(embedded, canonical=True))
    back, found = extract_parties(EUC, decoded)
    assert back == euc_doc
    assert len(found) == 4


def test_round_trip_many_consignees_and_intermediaries(
    euc_doc: dict[str, Any], parties: dict[str, Party]
) -> None:
    doc = {
        **euc_doc,
        "consignees": ["p-forwarder", "p-carrier", "p-forwarder"],
        "intermediaries": [
            {"party": "p-broker", "role": "broker"},
            {"party": "p-carrier", "role": "carrier"},
            {"role": "no party key"},
        ],
    }
    embedded = embed_parties(EUC, doc, parties)
    assert [c["id"] for c in embedded["consignees"]] == ["p-forwarder", "p-carrier", "p-forwarder"]
    assert embedded["intermediaries"][1]["party"] == party_dict(parties, "p-carrier")
    assert embedded["intermediaries"][2] == {"role": "no party key"}
    back, found = extract_parties(EUC, embedded)
    assert back == doc
    assert [f["id"] for f in found] == [
        "p-exporter",
        "p-army-cz",
        "p-forwarder",
        "p-carrier",
        "p-forwarder",
        "p-broker",
        "p-carrier",
    ]


def test_extract_leaves_plain_ids_alone(euc_doc: dict[str, Any]) -> None:
    back, found = extract_parties(EUC, euc_doc)
    assert back == euc_doc
    assert found == []


def test_extract_does_not_change_its_input(
    euc_doc: dict[str, Any], parties: dict[str, Party]
) -> None:
    embedded = embed_parties(EUC, euc_doc, parties)
    before = copy.deepcopy(embedded)
    extract_parties(EUC, embedded)
    assert embedded == before


def test_other_document_types(bundle: Bundle, parties: dict[str, Party]) -> None:
    lic = bundle.licences[0].to_json()
    out = embed_parties(LIC, lic, parties)
    assert out["applicant"] == EXPORTER
    assert extract_parties(LIC, out) == (lic, [EXPORTER])

    dvc = bundle.delivery_verifications[0].to_json()
    out = embed_parties(DVC, dvc, parties)
    assert out["delivered_to"] == party_dict(parties, dvc["delivered_to"])
    assert extract_parties(DVC, out)[0] == dvc

    no_recipient = {k: v for k, v in dvc.items() if k != "delivered_to"}
    assert embed_parties(DVC, no_recipient, parties) == no_recipient

    rxc = {"request_id": "RX-1", "requesting_party": "p-army-cz", "proposed_end_user": None}
    out = embed_parties(RXC, rxc, parties)
    assert out == {**rxc, "requesting_party": party_dict(parties, "p-army-cz")}
    assert extract_parties(RXC, out) == (rxc, [party_dict(parties, "p-army-cz")])


# --- dangling references --------------------------------------------------------------------


def dangling_paths(doc_type: Any, doc: dict[str, Any], parties: dict[str, Party]) -> list[str]:
    with pytest.raises(DomainError) as info:
        embed_parties(doc_type, doc, parties)
    for problem in info.value.problems:
        assert problem.reason == "dangling_reference"
    return [p.path for p in info.value.problems]


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"exporter": "p-ghost"}, "$.exporter"),
        ({"end_user": "p-ghost"}, "$.end_user"),
        ({"consignees": ["p-forwarder", "p-ghost"]}, "$.consignees[1]"),
        ({"intermediaries": [{"party": "p-ghost", "role": "broker"}]}, "$.intermediaries[0].party"),
    ],
)
def test_dangling_party_named_by_path(
    euc_doc: dict[str, Any], parties: dict[str, Party], change: dict[str, Any], path: str
) -> None:
    doc = {**euc_doc, **change}
    with pytest.raises(DomainError) as info:
        embed_parties(EUC, doc, parties)
    assert [p.path for p in info.value.problems] == [path]
    assert info.value.first.reason == "dangling_reference"
    assert "p-ghost" in info.value.first.message
    assert path in str(info.value)


def test_every_dangling_party_reported(euc_doc: dict[str, Any]) -> None:
    assert dangling_paths(EUC, euc_doc, {}) == [
        "$.exporter",
        "$.end_user",
        "$.consignees[0]",
        "$.intermediaries[0].party",
    ]


def test_dangling_in_other_types(bundle: Bundle) -> None:
    assert dangling_paths(LIC, bundle.licences[0].to_json(), {}) == ["$.applicant"]
    rxc = {"requesting_party": "a", "proposed_end_user": "b"}
    assert dangling_paths(RXC, rxc, {}) == ["$.requesting_party", "$.proposed_end_user"]


# --- claims ---------------------------------------------------------------------------------


def test_claim_keys() -> None:
    assert (ISS, EXP, IAT, DOCUMENT_CLAIM) == (1, 4, 6, -70000)


def test_claims_for_euc(euc_doc: dict[str, Any]) -> None:
    claims = claims_for(EUC, euc_doc, "CZ")
    assert claims == {
        ISS: "CZ",
        IAT: 1738540800,  # 2025-02-03T00:00:00Z
        EXP: 1767225599,  # 2025-12-31T23:59:59Z
        DOCUMENT_CLAIM: euc_doc,
    }


@pytest.mark.parametrize("how", ["absent", "none", "empty"])
def test_claims_without_valid_until_have_no_exp(euc_doc: dict[str, Any], how: str) -> None:
    doc = dict(euc_doc)
    if how == "absent":
        del doc["valid_until"]
    else:
        doc["valid_until"] = None if how == "none" else ""
    claims = claims_for(EUC, doc, "CZ")
    assert EXP not in claims
    assert claims[IAT] == 1738540800
    assert set(claims) == {ISS, IAT, DOCUMENT_CLAIM}


def test_claims_for_types_without_expiry(bundle: Bundle) -> None:
    dvc = bundle.delivery_verifications[0].to_json()
    dvc["valid_until"] = "2030-01-01"  # DVCs have no expiry field: ignored
    claims = claims_for(DVC, dvc, "BG")
    assert claims[IAT] == day_start(date.fromisoformat(dvc["arrival_date"]))
    assert EXP not in claims

    rxc = {"request_id": "RX-1", "decision": {"date": "2025-07-04", "by": "RS-EXPORT"}}
    claims = claims_for(RXC, rxc, "RS")
    assert claims == {ISS: "RS", IAT: calendar.timegm((2025, 7, 4, 0, 0, 0)), DOCUMENT_CLAIM: rxc}


def test_claims_for_licence(bundle: Bundle) -> None:
    lic = bundle.licences[0].to_json()
    claims = claims_for(LIC, lic, "RS")
    assert claims[IAT] == calendar.timegm((2025, 3, 1, 0, 0, 0))
    assert claims[EXP] == calendar.timegm((2025, 12, 31, 23, 59, 59))


@pytest.mark.parametrize("value", [None, 20250203])
def test_claims_need_a_date(euc_doc: dict[str, Any], value: Any) -> None:
    doc = {**euc_doc, "date_of_issue": value}
    with pytest.raises(DomainError) as info:
        claims_for(EUC, doc, "CZ")
    assert info.value.first.path == "$.date_of_issue"


def test_claims_need_the_nested_rxc_date() -> None:
    with pytest.raises(DomainError) as info:
        claims_for(RXC, {"decision": {"by": "RS-EXPORT"}}, "RS")
    assert info.value.first.path == "$.decision.date"


# --- day boundaries -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        (date(1970, 1, 1), 0, 86_399),
        (date(2025, 2, 3), 1_738_540_800, 1_738_627_199),
        (date(2025, 12, 31), 1_767_139_200, 1_767_225_599),
        (date(2000, 2, 29), 951_782_400, 951_868_799),
    ],
)
def test_day_start_and_end_known_values(day: date, start: int, end: int) -> None:
    assert day_start(day) == start
    assert day_end(day) == end
    assert isinstance(day_start(day), int)
    assert isinstance(day_end(day), int)


@given(st.dates(min_value=date(1970, 1, 1), max_value=date(9999, 12, 30)))
def test_day_boundaries_are_utc(day: date) -> None:
    start = calendar.timegm((day.year, day.month, day.day, 0, 0, 0))
    assert day_start(day) == start
    assert day_end(day) == start + 86_399
    next_day = date.fromordinal(day.toordinal() + 1)
    assert day_start(next_day) == day_end(day) + 1


# --- the whole payload ----------------------------------------------------------------------


def test_encode_payload(euc_doc: dict[str, Any], parties: dict[str, Party]) -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    body = embed_parties(EUC, euc_doc, parties)
    claims = claims_for(EUC, body, "CZ")
    payload = encode_payload(EUC, claims, key, b"kid-0001")
    assert payload.startswith("EUC1:")
    msg = decode_sign1(zlib.decompress(b45decode(payload[len("EUC1:") :])))
    assert msg.kid == b"kid-0001"
    assert verify_signature(msg, key.public_key())
    assert msg.payload == cbor2.dumps(claims, canonical=True)
    decoded = cbor2.loads(msg.payload)
    assert decoded == claims
    assert extract_parties(EUC, decoded[DOCUMENT_CLAIM])[0] == euc_doc
