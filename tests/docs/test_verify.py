"""Every reason code of SIGNED-DOCS.md, each produced by a crafted input, plus a fuzz test."""

from __future__ import annotations

import time
import tracemalloc
import zlib
from datetime import UTC, datetime
from typing import Any

import cbor2
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders import AT, CZ_EUC, document_of, open_payload, rebuild, with_claims
from enduse.docs.base45 import b45encode
from enduse.docs.compact import claims_for, embed_parties, encode_payload
from enduse.docs.cose import encode_sign1
from enduse.docs.doctypes import DOC_TYPES, DOCUMENT_CLAIM
from enduse.docs.local_pki import LocalPki
from enduse.docs.pki import create_csca, issue_dsc, kid_of
from enduse.docs.reasons import Reason
from enduse.docs.signing import sign_euc
from enduse.docs.trust_list import TrustStore
from enduse.docs.verify import MAX_INFLATED, verify
from enduse.domain.bundle import Bundle

EUC = DOC_TYPES["EUC"]


def signed(pki: LocalPki, claims: Any, authority: str = "CZ-MOD", prefix: str = "EUC1:") -> str:
    """Claims (anything CBOR) signed by a genuine signer of the PKI."""
    key = pki.signing_key(authority, EUC)
    body = claims if isinstance(claims, bytes) else cbor2.dumps(claims)
    cose = encode_sign1(body, key.private_key, key.signer.kid)
    return prefix + b45encode(zlib.compress(cose))


def euc_claims(bundle: Bundle, **changes: Any) -> dict[int, Any]:
    euc = bundle.euc(CZ_EUC)[0]
    doc = embed_parties(EUC, euc.to_json(), {p.id: p for p in bundle.parties})
    doc.update(changes)
    return claims_for(EUC, doc, doc["issuing_state"])


def test_valid_document_carries_its_parties_and_signer(session_pki, cz_payload):
    r = verify(cz_payload, session_pki.store(), at=AT)
    assert r.result is Reason.VALID and r.valid
    assert r.document_type == "EUC"
    assert r.document["euc_number"] == CZ_EUC
    assert r.document["end_user"] == {
        "id": "p-army-cz",
        "name": "Army Logistics Command (demo)",
        "country": "CZ",
        "kind": "government",
    }
    assert r.signer["authority"] == "CZ-MOD" and r.signer["state"] == "CZ"
    assert r.as_dict()["result"] == "valid"


# --- envelope ------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["", "EUC1", "XYZ1:6BF", "HC1:6BF", "euc1:6BF", "6BFOXN*TS0BI$ZD"])
def test_unknown_or_missing_prefix(session_pki, bad):
    assert verify(bad, session_pki.store(), at=AT).result is Reason.BAD_PREFIX


def test_prefix_option_restricts_the_document_type(session_pki, cz_payload):
    r = verify(cz_payload, session_pki.store(), at=AT, prefix="LIC1:")
    assert r.result is Reason.BAD_PREFIX


def _dangling_character(p: str) -> str:
    """Cut the Base45 body to a length that leaves one character over (never a valid length)."""
    body = p[5:]
    return p[:5] + body[: len(body) - (len(body) % 3 + 2) % 3]


@pytest.mark.parametrize(
    "mutate",
    [_dangling_character, lambda p: p[:20] + "a" + p[21:], lambda p: p + "é"],
    ids=["length", "lowercase", "non-ascii"],
)
def test_broken_base45(session_pki, cz_payload, mutate):
    assert (len(_dangling_character(cz_payload)) - 5) % 3 == 1
    r = verify(mutate(cz_payload), session_pki.store(), at=AT)
    assert r.result is Reason.BAD_BASE45


def test_payload_over_8000_characters_is_refused_before_decoding(session_pki):
    r = verify("EUC1:" + "0" * 8001, session_pki.store(), at=AT)
    assert r.result is Reason.BAD_BASE45 and "8000" in r.details["message"]


def test_zlib_bomb_is_refused_without_inflating_it_all(session_pki):
    bomb = zlib.compress(b"\x00" * (4 * 1024 * 1024), 9)
    payload = "EUC1:" + b45encode(bomb)
    assert len(payload) <= 8000
    tracemalloc.start()
    r = verify(payload, session_pki.store(), at=AT)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert r.result is Reason.BAD_COMPRESSION
    assert str(MAX_INFLATED) in r.details["message"]
    assert peak < 4 * MAX_INFLATED  # it stopped at the limit, nowhere near 4 MiB


@pytest.mark.parametrize(
    "body",
    [b"\x78\x9c" + b"garbage-not-deflate", zlib.compress(b"x" * 100)[:-6], b"\x01\x02\x03"],
    ids=["not-deflate", "truncated", "not-zlib"],
)
def test_bad_compression(session_pki, body):
    r = verify("EUC1:" + b45encode(body), session_pki.store(), at=AT)
    assert r.result is Reason.BAD_COMPRESSION


def test_uncompressed_cose_is_accepted(session_pki, cz_payload):
    prefix, msg, _ = open_payload(cz_payload)
    plain = rebuild(
        prefix, msg.protected, msg.unprotected, msg.payload, msg.signature, compress=False
    )
    assert verify(plain, session_pki.store(), at=AT).result is Reason.VALID


@pytest.mark.parametrize(
    "cose",
    [
        cbor2.dumps([b"", {}, b"x"]),
        cbor2.dumps({"not": "an array"}),
        b"\xff\xfe\xfd",
        b"\x81" * 10_000 + b"\x00",
        cbor2.dumps(cbor2.CBORTag(18, [b"\xa1", {}, b"x", b"sig"])),
    ],
    ids=["three-elements", "a-map", "not-cbor", "nested-10000-deep", "protected-not-a-map"],
)
def test_bad_cose(session_pki, cose):
    r = verify("EUC1:" + b45encode(zlib.compress(cose)), session_pki.store(), at=AT)
    assert r.result is Reason.BAD_COSE


def test_cbor_nested_10000_deep_in_signed_claims_is_bad_claims(session_pki):
    started = time.perf_counter()
    r = verify(signed(session_pki, b"\x81" * 10_000 + b"\x00"), session_pki.store(), at=AT)
    assert r.result is Reason.BAD_CLAIMS
    assert r.details["limit"] == "too_deep"
    assert time.perf_counter() - started < 1.0


def test_more_than_10000_items_in_claims_is_bad_claims(session_pki):
    r = verify(
        signed(session_pki, {1: "CZ", 6: 0, -70000: [0] * 10_001}), session_pki.store(), at=AT
    )
    assert r.result is Reason.BAD_CLAIMS
    assert r.details["limit"] == "too_many_items"


@pytest.mark.parametrize(
    "change",
    [
        lambda c: c.clear() or c.update({"x": 1}),
        lambda c: c.pop(1),
        lambda c: c.update({1: "XX"}),
        lambda c: c.pop(6),
        lambda c: c.update({6: "2025-02-03"}),
        lambda c: c.update({4: True}),
        lambda c: c.pop(DOCUMENT_CLAIM),
        lambda c: c.update({DOCUMENT_CLAIM: "not a map"}),
    ],
    ids=["no-claims", "no-iss", "bad-iss", "no-iat", "iat-text", "exp-bool", "no-doc", "doc-text"],
)
def test_bad_claims(session_pki, seed_bundle, change):
    claims = euc_claims(seed_bundle)
    change(claims)
    assert (
        verify(signed(session_pki, claims), session_pki.store(), at=AT).result is Reason.BAD_CLAIMS
    )


def test_claims_that_are_not_a_map(session_pki):
    assert (
        verify(signed(session_pki, [1, 2]), session_pki.store(), at=AT).result is Reason.BAD_CLAIMS
    )


def test_claims_must_agree_with_the_document(session_pki, seed_bundle):
    claims = euc_claims(seed_bundle)
    claims[4] += 86400  # exp one day later than valid_until
    r = verify(signed(session_pki, claims), session_pki.store(), at=AT)
    assert r.result is Reason.BAD_CLAIMS and "exp" in r.details["message"]


@pytest.mark.parametrize("alg", [-35, -36, 1, -257])
def test_unsupported_algorithm(session_pki, cz_payload, alg):
    prefix, msg, _ = open_payload(cz_payload)
    kid = msg.protected_map[4]
    protected = cbor2.dumps({1: alg, 4: kid})
    r = verify(
        rebuild(prefix, protected, {}, msg.payload, msg.signature), session_pki.store(), at=AT
    )
    assert r.result is Reason.UNSUPPORTED_ALG


def test_missing_algorithm_is_bad_cose(session_pki, cz_payload):
    prefix, msg, _ = open_payload(cz_payload)
    protected = cbor2.dumps({4: msg.protected_map[4]})
    r = verify(
        rebuild(prefix, protected, {}, msg.payload, msg.signature), session_pki.store(), at=AT
    )
    assert r.result is Reason.BAD_COSE


# --- signer ---------------------------------------------------------------------------------


def _forge(seed_bundle: Bundle, kid: bytes) -> str:
    """A document signed with an attacker's key, naming `kid`."""
    claims = euc_claims(seed_bundle)
    return encode_payload(EUC, claims, ed25519.Ed25519PrivateKey.generate(), kid)


def test_unknown_kid(session_pki, seed_bundle):
    r = verify(_forge(seed_bundle, b"\x01" * 8), session_pki.store(), at=AT)
    assert r.result is Reason.UNKNOWN_SIGNER and r.details["kid"] == "01" * 8


def test_no_kid_at_all(session_pki, cz_payload):
    prefix, msg, _ = open_payload(cz_payload)
    r = verify(
        rebuild(prefix, cbor2.dumps({1: -8}), {}, msg.payload, msg.signature),
        session_pki.store(),
        at=AT,
    )
    assert r.result is Reason.UNKNOWN_SIGNER


def test_forged_signature_under_a_real_kid(session_pki, seed_bundle):
    real_kid = session_pki.signing_key("CZ-MOD", EUC).signer.kid
    r = verify(_forge(seed_bundle, real_kid), session_pki.store(), at=AT)
    assert r.result is Reason.BAD_SIGNATURE


@pytest.mark.parametrize(
    "change",
    [
        lambda c: c[DOCUMENT_CLAIM]["items"][0].update(quantity=300_000),
        lambda c: c[DOCUMENT_CLAIM].update(country_of_final_destination="UA"),
        lambda c: c[DOCUMENT_CLAIM]["end_user"].update(name="Someone else"),
        lambda c: c.update({4: c[4] + 365 * 86400}),
    ],
    ids=["quantity", "destination", "end-user", "expiry"],
)
def test_altered_content_with_the_original_signature(session_pki, cz_payload, change):
    r = verify(with_claims(cz_payload, change), session_pki.store(), at=AT)
    assert r.result is Reason.BAD_SIGNATURE


def test_unprotected_kid_cannot_override_the_protected_one(session_pki, cz_payload):
    prefix, msg, _ = open_payload(cz_payload)
    unprotected = {4: b"\x02" * 8}
    r = verify(
        rebuild(prefix, msg.protected, unprotected, msg.payload, msg.signature),
        session_pki.store(),
        at=AT,
    )
    assert r.result is Reason.VALID


def test_expired_signer_certificate(home, seed_bundle):
    pki = LocalPki(home)
    pki.init_state("CZ", valid_from=datetime(2024, 1, 1).date())
    pki.issue_signer(
        "CZ", "CZ-MOD", [EUC], datetime(2024, 1, 1).date(), datetime(2025, 3, 31).date()
    )
    payload = sign_euc(seed_bundle, CZ_EUC, pki)
    assert verify(payload, pki.store(), at=datetime(2025, 3, 1, tzinfo=UTC)).valid
    r = verify(payload, pki.store(), at=AT)
    assert r.result is Reason.SIGNER_NOT_VALID and "expired" in r.details["message"]


def test_signer_not_yet_valid(home, seed_bundle):
    pki = LocalPki(home)
    pki.init_state("CZ", valid_from=datetime(2025, 1, 1).date())
    pki.issue_signer("CZ", "CZ-MOD", [EUC], datetime(2025, 7, 1).date())
    payload = sign_euc(seed_bundle, CZ_EUC, pki)
    r = verify(payload, pki.store(), at=AT)
    assert r.result is Reason.SIGNER_NOT_VALID and "not yet valid" in r.details["message"]


def test_signer_whose_chain_to_a_csca_fails(session_pki, cz_payload):
    signer = session_pki.signing_key("CZ-MOD", EUC).signer
    alone = TrustStore()
    alone.add_signer(signer.certificate)  # no CSCA in this trust list
    r = verify(cz_payload, alone, at=AT)
    assert r.result is Reason.SIGNER_NOT_VALID and "no CSCA" in r.details["message"]


def test_signer_certified_by_another_states_ca_does_not_chain(session_pki, seed_bundle):
    rogue_key = ed25519.Ed25519PrivateKey.generate()
    start, end = datetime(2025, 1, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC)
    rogue_ca = create_csca("CZ", rogue_key, start, end)  # a look-alike CZ CSCA, not in the list
    dsc_key = ed25519.Ed25519PrivateKey.generate()
    dsc = issue_dsc(rogue_ca, rogue_key, "CZ-MOD", [EUC], dsc_key.public_key(), start, end)
    store = TrustStore.from_json(session_pki.store().to_json())
    store.add_signer(dsc)  # smuggled into the signer list without its CA
    payload = encode_payload(EUC, euc_claims(seed_bundle), dsc_key, kid_of(dsc))
    r = verify(payload, store, at=AT)
    assert r.result is Reason.SIGNER_NOT_VALID


def test_revoked_signer(pki, seed_bundle):
    payload = sign_euc(seed_bundle, CZ_EUC, pki)
    assert verify(payload, pki.store(), at=AT).valid
    pki.revoke_signer(pki.signing_key("CZ-MOD", EUC).signer.kid.hex())
    r = verify(payload, pki.store(), at=AT)
    assert r.result is Reason.SIGNER_REVOKED and r.details["revoked_at"]


def test_signer_not_allowed_for_the_document_type(session_pki, seed_bundle):
    claims = euc_claims(seed_bundle, issuing_authority="CZ-CUSTOMS")
    key = session_pki.signing_key("CZ-CUSTOMS", DOC_TYPES["DVC"])
    payload = encode_payload(EUC, claims, key.private_key, key.signer.kid)
    r = verify(payload, session_pki.store(), at=AT)
    assert r.result is Reason.SIGNER_NOT_AUTHORISED and "EUC" in r.details["message"]


def test_signer_of_another_state_than_iss(session_pki, seed_bundle):
    claims = euc_claims(seed_bundle, issuing_state="BG")
    claims[1] = "BG"
    r = verify(signed(session_pki, claims), session_pki.store(), at=AT)
    assert r.result is Reason.SIGNER_NOT_AUTHORISED and "BG" in r.details["message"]


def test_signer_of_another_authority(session_pki, seed_bundle):
    claims = euc_claims(seed_bundle, issuing_authority="CZ-INTERIOR")
    r = verify(signed(session_pki, claims), session_pki.store(), at=AT)
    assert r.result is Reason.SIGNER_NOT_AUTHORISED
    assert r.details["path"] == "document.issuing_authority"


# --- time and content -----------------------------------------------------------------------


def test_not_yet_valid_and_expired_at_the_verification_time(session_pki, cz_payload):
    store = session_pki.store()
    assert (
        verify(cz_payload, store, at=datetime(2025, 2, 2, 23, 59, tzinfo=UTC)).result
        is Reason.NOT_YET_VALID
    )
    assert (
        verify(cz_payload, store, at=datetime(2025, 2, 3, 0, 0, tzinfo=UTC)).result is Reason.VALID
    )
    assert (
        verify(cz_payload, store, at=datetime(2025, 12, 31, 23, 59, tzinfo=UTC)).result
        is Reason.VALID
    )
    assert (
        verify(cz_payload, store, at=datetime(2026, 1, 1, 0, 0, tzinfo=UTC)).result
        is Reason.EXPIRED
    )


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d["items"][0].update(quantity="lots"), "document.items[0].quantity"),
        (
            lambda d: d.update(country_of_final_destination="XX"),
            "document.country_of_final_destination",
        ),
        (lambda d: d["end_user"].update(kind="army"), "document.end_user.kind"),
        (lambda d: d.pop("end_use"), "document.end_use"),
        (lambda d: d["items"][1].update(control_entry="ML99"), "document.items[1].control_entry"),
    ],
    ids=["quantity-text", "bad-country", "bad-party-kind", "missing-end-use", "bad-control-entry"],
)
def test_bad_content_names_the_field(session_pki, seed_bundle, change, path):
    claims = euc_claims(seed_bundle)
    change(claims[DOCUMENT_CLAIM])
    r = verify(signed(session_pki, claims), session_pki.store(), at=AT)
    assert r.result is Reason.BAD_CONTENT
    assert r.details["path"] == path


def test_es256_signed_documents_verify(home, seed_bundle):
    """Signers may use P-256 keys (COSE ES256), as many HSMs do."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    start, end = datetime(2025, 1, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC)
    ca = create_csca("CZ", ca_key, start, end)
    dsc_key = ec.generate_private_key(ec.SECP256R1())
    dsc = issue_dsc(ca, ca_key, "CZ-MOD", [EUC], dsc_key.public_key(), start, end)
    store = TrustStore()
    store.add_csca(ca)
    store.add_signer(dsc)
    payload = encode_payload(EUC, euc_claims(seed_bundle), dsc_key, kid_of(dsc))
    assert verify(payload, store, at=AT).result is Reason.VALID


def test_generic_envelope_mode_returns_claims_as_they_are(session_pki):
    claims = {1: "XX", 6: 1_700_000_000, 4: 1_900_000_000, -260: {1: {"v": [1]}}}
    payload = signed(session_pki, claims, prefix="HC1:")
    r = verify(payload, session_pki.store(), at=AT, prefix="HC1:")
    assert r.result is Reason.VALID
    assert r.document == {
        "1": "XX",
        "6": 1_700_000_000,
        "4": 1_900_000_000,
        "-260": {"1": {"v": [1]}},
    }
    late = verify(payload, session_pki.store(), at=datetime(2031, 1, 1, tzinfo=UTC), prefix="HC1:")
    assert late.result is Reason.EXPIRED


# --- fuzz -----------------------------------------------------------------------------------


@settings(
    max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_mutated_payloads_only_ever_yield_a_reason(session_pki, cz_payload, data):
    """Whatever is changed, verify answers with a reason code, and never accepts altered content."""
    original = document_of(cz_payload)
    layer = data.draw(st.sampled_from(["text", "cose", "claims"]))
    if layer == "text":
        pos = data.draw(st.integers(0, len(cz_payload) - 1))
        char = data.draw(st.characters(codec="ascii"))
        mutated = cz_payload[:pos] + char + cz_payload[pos + 1 :]
    else:
        prefix, msg, _claims = open_payload(cz_payload)
        raw = bytearray(
            msg.payload
            if layer == "claims"
            else cbor2.dumps([msg.protected, msg.unprotected, msg.payload, msg.signature])
        )
        for _ in range(data.draw(st.integers(1, 4))):
            raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
        if layer == "claims":
            mutated = rebuild(prefix, msg.protected, msg.unprotected, bytes(raw), msg.signature)
        else:
            mutated = prefix + b45encode(zlib.compress(bytes(raw)))
    tracemalloc.start()
    r = verify(mutated, session_pki.store(), at=AT)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert isinstance(r.result, Reason)
    assert peak < 8 * 1024 * 1024
    if r.valid:
        assert r.document == original


@settings(max_examples=200, deadline=2000)
@given(st.text(max_size=300))
def test_arbitrary_text_only_ever_yields_a_reason(text):
    r = verify(text, TrustStore(), at=AT)
    assert isinstance(r.result, Reason) and not r.valid


def test_envelope_mode_still_refuses_a_revoked_signer(pki):
    payload = signed(pki, {1: "CZ", 6: 1_700_000_000}, prefix="HC1:")
    assert verify(payload, pki.store(), at=AT, prefix="HC1:").result is Reason.VALID
    pki.revoke_signer(pki.signing_key("CZ-MOD", EUC).signer.kid.hex())
    assert verify(payload, pki.store(), at=AT, prefix="HC1:").result is Reason.SIGNER_REVOKED


def test_bytes_after_the_zlib_stream(session_pki, cz_payload):
    prefix, msg, _ = open_payload(cz_payload)
    cose = cbor2.dumps(
        cbor2.CBORTag(18, [msg.protected, msg.unprotected, msg.payload, msg.signature])
    )
    padded = prefix + b45encode(zlib.compress(cose) + b"TRAILING JUNK")
    r = verify(padded, session_pki.store(), at=AT)
    assert r.result is Reason.BAD_COMPRESSION and "after the zlib stream" in r.details["message"]


@pytest.mark.parametrize("key", [1, b"k", -70000])
def test_non_text_keys_in_the_document_are_bad_content(session_pki, seed_bundle, key):
    claims = euc_claims(seed_bundle)
    claims[DOCUMENT_CLAIM][key] = "x"
    r = verify(signed(session_pki, claims), session_pki.store(), at=AT)
    assert r.result is Reason.BAD_CONTENT
    import json

    json.dumps(r.as_dict(), allow_nan=False)  # whatever came in, the result prints as JSON


def test_results_always_print_as_json(session_pki, seed_bundle):
    import json

    claims = euc_claims(seed_bundle)
    claims[DOCUMENT_CLAIM]["note"] = float("nan")  # an unknown key: kept, valid
    r = verify(signed(session_pki, claims), session_pki.store(), at=AT)
    assert r.result is Reason.VALID
    assert json.loads(json.dumps(r.as_dict(), allow_nan=False))["document"]["note"] == "nan"


def test_trailing_spaces_are_part_of_the_payload():
    """A space is a Base45 character: only line ends are trimmed, so a payload cut to a
    dangling character is reported as such even when that character is a space."""
    r = verify("EUC1:" + "0" * 9 + " ", TrustStore(), at=AT)
    assert r.result is Reason.BAD_BASE45 and "single trailing character" in r.details["message"]
