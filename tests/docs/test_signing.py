"""Signing every document type of a bundle, and refusing what would never verify."""

from __future__ import annotations

import pytest

from builders import AT, CZ_EUC
from enduse.docs.doctypes import DOC_TYPES, document_id
from enduse.docs.local_pki import PkiError
from enduse.docs.reasons import Reason
from enduse.docs.signing import sign_euc, sign_record
from enduse.docs.verify import verify
from enduse.domain.bundle import parse_bundle
from enduse.domain.errors import DomainError
from enduse.domain.reexport import ReexportRequest


@pytest.fixture
def all_signers(pki):
    pki.issue_signer("BG", "BG-CUSTOMS", [DOC_TYPES["DVC"]], valid_from=AT.date().replace(month=1))
    pki.issue_signer("RS", "RS-EXPORT", [DOC_TYPES["RXC"]], valid_from=AT.date().replace(month=1))
    return pki


def _reexport(bundle) -> ReexportRequest:
    return ReexportRequest.model_validate(
        {
            "request_id": "RX-2025-0001",
            "request_type": "re_export",
            "date": "2025-05-02",
            "requesting_party": "p-army-bg",
            "original_licence": "RS-2025-0131",
            "items": [{"line": 1, "licence_line": 1, "quantity": 2000, "unit": "pieces"}],
            "proposed_end_user": "p-army-cz",
            "proposed_destination": "CZ",
            "decision": {
                "outcome": "refused",
                "date": "2025-05-20",
                "by": "RS-EXPORT",
                "criteria_cited": [7],
            },
        }
    )


def test_every_document_type_signs_and_verifies(all_signers, seed_bundle):
    documents = [
        ("EUC", seed_bundle.eucs[0]),
        ("LIC", seed_bundle.licences[0]),
        ("DVC", seed_bundle.delivery_verifications[0]),
        ("RXC", _reexport(seed_bundle)),
    ]
    for code, record in documents:
        doc_type = DOC_TYPES[code]
        payload = sign_record(seed_bundle, doc_type, record, all_signers)
        assert payload.startswith(doc_type.prefix)
        r = verify(payload, all_signers.store(), at=AT)
        assert r.result is Reason.VALID, (code, r.details)
        assert r.document_type == code
        assert document_id(doc_type, r.document) == document_id(doc_type, record.to_json())


def test_a_licence_signed_by_another_state_is_refused(pki, seed_bundle):
    data = seed_bundle.to_json()
    data["licences"][0]["exporting_state"] = "CZ"
    bundle = parse_bundle(data).bundle
    with pytest.raises(PkiError, match="exporting_state is CZ"):
        sign_record(bundle, DOC_TYPES["LIC"], bundle.licences[0], pki)


def test_an_authority_placed_in_another_state_is_refused(pki, seed_bundle):
    data = seed_bundle.to_json()
    for a in data["authorities"]:
        if a["id"] == "CZ-MOD":
            a["state"] = "SK"
    bundle = parse_bundle(data).bundle
    with pytest.raises(DomainError, match="CZ-MOD is of SK"):
        sign_euc(bundle, CZ_EUC, pki)


def test_an_euc_number_shared_by_two_authorities_needs_the_authority(pki, seed_bundle):
    data = seed_bundle.to_json()
    twin = dict(data["eucs"][1], euc_number=CZ_EUC)
    data["eucs"].append(twin)
    bundle = parse_bundle(data).bundle
    with pytest.raises(DomainError, match="name the authority"):
        sign_euc(bundle, CZ_EUC, pki)
    assert sign_euc(bundle, CZ_EUC, pki, "BG-MOD").startswith("EUC1:")


def test_a_decision_without_its_authority_cannot_be_signed(all_signers, seed_bundle):
    request = _reexport(seed_bundle)
    request.decision = None
    with pytest.raises(DomainError, match="no authority"):
        sign_record(seed_bundle, DOC_TYPES["RXC"], request, all_signers)
