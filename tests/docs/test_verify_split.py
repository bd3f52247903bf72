"""Verification in two halves: `open_payload` (time-independent) then `check_opened` (at a
time) answers exactly as `verify`, and one Opened may be checked again at other times."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime
from typing import Any

import cbor2
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders import AT, CZ_EUC
from enduse.docs.base45 import b45encode
from enduse.docs.compact import claims_for, embed_parties, encode_payload
from enduse.docs.cose import encode_sign1
from enduse.docs.doctypes import DOC_TYPES, DOCUMENT_CLAIM
from enduse.docs.local_pki import LocalPki
from enduse.docs.reasons import Reason, Verification
from enduse.docs.signing import sign_euc
from enduse.docs.trust_list import TrustStore
from enduse.docs.verify import Opened, check_opened, open_payload, verify
from enduse.domain.bundle import Bundle

EUC = DOC_TYPES["EUC"]
BEFORE = datetime(2025, 2, 2, 23, 59, tzinfo=UTC)  # the seed EUC is issued 2025-02-03
AFTER = datetime(2026, 1, 1, 0, 0, tzinfo=UTC)  # ... and valid until 2025-12-31
BASE45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def euc_claims(bundle: Bundle) -> dict[int, Any]:
    euc = bundle.euc(CZ_EUC)[0]
    doc = embed_parties(EUC, euc.to_json(), {p.id: p for p in bundle.parties})
    return claims_for(EUC, doc, doc["issuing_state"])


def signed(pki: LocalPki, claims: Any, prefix: str = "EUC1:") -> str:
    key = pki.signing_key("CZ-MOD", EUC)
    cose = encode_sign1(cbor2.dumps(claims), key.private_key, key.signer.kid)
    return prefix + b45encode(zlib.compress(cose))


def both(payload: str, trust: TrustStore, at: datetime, prefix: str | None = None) -> Verification:
    """Verify both ways, assert they agree, and return the answer."""
    whole = verify(payload, trust, at=at, prefix=prefix)
    split = check_opened(open_payload(payload, trust, prefix=prefix), at)
    assert split.as_dict() == whole.as_dict()
    return whole


@pytest.fixture(scope="module")
def cases(session_pki: LocalPki, seed_bundle: Bundle, cz_payload: str) -> dict[str, str]:
    claims = euc_claims(seed_bundle)
    claims[DOCUMENT_CLAIM]["items"][0]["quantity"] = "lots"
    real_kid = session_pki.signing_key("CZ-MOD", EUC).signer.kid
    forger = ed25519.Ed25519PrivateKey.generate()
    return {
        "valid": cz_payload,
        "bad-content": signed(session_pki, claims),
        "bad-signature": encode_payload(EUC, euc_claims(seed_bundle), forger, real_kid),
        "unknown-signer": encode_payload(EUC, euc_claims(seed_bundle), forger, b"\x01" * 8),
    }


@pytest.mark.parametrize(
    ("case", "at", "reason"),
    [
        ("valid", AT, Reason.VALID),
        ("valid", AFTER, Reason.EXPIRED),
        ("valid", BEFORE, Reason.NOT_YET_VALID),
        ("bad-signature", AT, Reason.BAD_SIGNATURE),
        ("bad-content", AT, Reason.BAD_CONTENT),
        ("unknown-signer", AT, Reason.UNKNOWN_SIGNER),
        ("valid", datetime(2040, 1, 1, tzinfo=UTC), Reason.SIGNER_NOT_VALID),
    ],
    ids=[
        "valid",
        "expired",
        "not-yet-valid",
        "bad-signature",
        "bad-content",
        "unknown-signer",
        "signer-expired",
    ],
)
def test_the_two_halves_answer_as_verify(session_pki, cases, case, at, reason):
    assert both(cases[case], session_pki.store(), at).result is reason


def test_failures_before_the_signature_is_checked_come_back_from_opening(session_pki, cases):
    store = session_pki.store()
    for case in ("bad-signature", "unknown-signer"):
        opened = open_payload(cases[case], store)
        assert isinstance(opened, Verification) and not opened.valid
        assert check_opened(opened, AT) is opened  # nothing depends on the time
    assert isinstance(open_payload("EUC1:x", store), Verification)
    assert isinstance(open_payload(cases["valid"], store), Opened)
    assert isinstance(open_payload(cases["bad-content"], store), Opened)  # the content: later


def test_an_opened_payload_checked_at_different_times(session_pki, cz_payload):
    opened = open_payload(cz_payload, session_pki.store())
    assert isinstance(opened, Opened)
    assert check_opened(opened, AT).result is Reason.VALID
    late = check_opened(opened, AFTER)
    assert late.result is Reason.EXPIRED and late.as_dict() == (
        verify(cz_payload, session_pki.store(), at=AFTER).as_dict()
    )
    assert check_opened(opened, BEFORE).result is Reason.NOT_YET_VALID
    again = check_opened(opened, AT)  # the content check's memo keeps a valid answer valid
    assert again.as_dict() == verify(cz_payload, session_pki.store(), at=AT).as_dict()
    assert opened.content is True


def test_a_content_failure_is_remembered_and_repeated(session_pki, cases):
    opened = open_payload(cases["bad-content"], session_pki.store())
    assert isinstance(opened, Opened)
    assert check_opened(opened, AFTER).result is Reason.EXPIRED  # the window first: not checked
    assert opened.content is None
    first = check_opened(opened, AT)
    assert first.result is Reason.BAD_CONTENT and opened.content is not None
    second = check_opened(opened, AT)
    assert (
        second.as_dict()
        == first.as_dict()
        == (verify(cases["bad-content"], session_pki.store(), at=AT).as_dict())
    )
    assert second.details["path"] == "document.items[0].quantity"


def test_the_signer_is_checked_at_each_time(home, seed_bundle):
    pki = LocalPki(home)
    pki.init_state("CZ", valid_from=datetime(2024, 1, 1).date())
    pki.issue_signer(
        "CZ", "CZ-MOD", [EUC], datetime(2024, 1, 1).date(), datetime(2025, 3, 31).date()
    )
    payload = sign_euc(seed_bundle, CZ_EUC, pki)
    opened = open_payload(payload, pki.store())
    assert check_opened(opened, datetime(2025, 3, 1, tzinfo=UTC)).valid
    late = check_opened(opened, AT)  # the document is still valid, its signer no longer
    assert late.result is Reason.SIGNER_NOT_VALID and "expired" in late.details["message"]
    assert late.as_dict() == verify(payload, pki.store(), at=AT).as_dict()


def test_a_revoked_signer_in_the_trust_list_it_was_opened_with(pki, seed_bundle):
    payload = sign_euc(seed_bundle, CZ_EUC, pki)
    assert both(payload, pki.store(), AT).valid
    pki.revoke_signer(pki.signing_key("CZ-MOD", EUC).signer.kid.hex())
    assert both(payload, pki.store(), AT).result is Reason.SIGNER_REVOKED


def test_the_envelope_mode_agrees_too(session_pki):
    payload = signed(session_pki, {1: "XX", 6: 1_700_000_000, 4: 1_900_000_000}, prefix="HC1:")
    store = session_pki.store()
    assert both(payload, store, AT, prefix="HC1:").result is Reason.VALID
    assert both(payload, store, AFTER.replace(year=2031), prefix="HC1:").result is Reason.EXPIRED
    assert both(payload, store, AT, prefix="LIC1:").result is Reason.BAD_PREFIX


def _mutated(payload: str) -> st.SearchStrategy[str]:
    return st.builds(
        lambda pos, char: payload[:pos] + char + payload[pos + 1 :],
        st.integers(0, len(payload) - 1),
        st.sampled_from(BASE45),
    )


@settings(
    max_examples=200, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_the_two_paths_agree_on_any_text(session_pki, cz_payload, data):
    text = data.draw(
        st.one_of(
            st.text(max_size=200),
            st.builds("EUC1:".__add__, st.text(alphabet=BASE45, max_size=200)),
            st.just(cz_payload),
            _mutated(cz_payload),
        )
    )
    at = data.draw(
        st.datetimes(
            min_value=datetime(2024, 1, 1), max_value=datetime(2031, 1, 1), timezones=st.just(UTC)
        )
    )
    both(text, session_pki.store(), at)
