"""Tests for enduse.docs.cose: COSE_Sign1 encode, decode and signature checks."""

from __future__ import annotations

import dataclasses
from typing import Any

import cbor2
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from hypothesis import example, given, settings
from hypothesis import strategies as st

from enduse.docs.cose import (
    ALG,
    EDDSA,
    ES256,
    KID,
    PS256,
    SIGNING_ALGS,
    TAG_CWT,
    TAG_SIGN1,
    VERIFYING_ALGS,
    CoseError,
    Sign1,
    decode_sign1,
    encode_sign1,
    sig_structure,
    verify_signature,
)

PAYLOAD = cbor2.dumps({1: "CZ", 6: 1738540800, -70000: {"euc_number": "CZ-MOD-2025-0042"}})
KID_BYTES = bytes.fromhex("0123456789abcdef")
PSS = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)


@pytest.fixture(scope="module")
def ed_key() -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.generate()


@pytest.fixture(scope="module")
def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(params=["EdDSA", "ES256"])
def signing_key(request: pytest.FixtureRequest, ed_key: Any, ec_key: Any) -> Any:
    return ed_key if request.param == "EdDSA" else ec_key


def raw_es256(key: ec.EllipticCurvePrivateKey, tbs: bytes) -> bytes:
    r, s = decode_dss_signature(key.sign(tbs, ec.ECDSA(hashes.SHA256())))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def build(
    protected: dict[Any, Any] | bytes,
    unprotected: dict[Any, Any],
    payload: bytes,
    sign: Any,
    *,
    tag: bool = True,
) -> bytes:
    """A COSE_Sign1 built by hand; `sign(tbs)` returns the signature bytes."""
    prot = protected if isinstance(protected, bytes) else cbor2.dumps(protected)
    signature = sign(sig_structure(prot, payload))
    array = [prot, unprotected, payload, signature]
    return cbor2.dumps(cbor2.CBORTag(TAG_SIGN1, array) if tag else array)


def flip(data: bytes, index: int = 0) -> bytes:
    return data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1 :]


# --- tables ---------------------------------------------------------------------------------


def test_algorithm_tables() -> None:
    assert (EDDSA, ES256, PS256) == (-8, -7, -37)
    assert set(SIGNING_ALGS) == {EDDSA, ES256}
    assert set(VERIFYING_ALGS) == {EDDSA, ES256, PS256}
    assert (ALG, KID, TAG_SIGN1, TAG_CWT) == (1, 4, 18, 61)


def test_sig_structure_is_rfc9052() -> None:
    assert sig_structure(b"\xa0", b"p") == cbor2.dumps(["Signature1", b"\xa0", b"", b"p"])
    assert sig_structure(b"", b"", b"aad") == cbor2.dumps(["Signature1", b"", b"aad", b""])
    # Exact bytes: array(4), text(10) "Signature1", bstr(1) a0, bstr(0), bstr(1) "p"
    assert sig_structure(b"\xa0", b"p") == b"\x84\x6aSignature1\x41\xa0\x40\x41p"


# --- round trips ----------------------------------------------------------------------------


def test_round_trip(signing_key: Any) -> None:
    data = encode_sign1(PAYLOAD, signing_key, KID_BYTES)
    assert data[:1] == b"\xd2"  # tag 18
    msg = decode_sign1(data)
    expected_alg = EDDSA if isinstance(signing_key, ed25519.Ed25519PrivateKey) else ES256
    assert msg.alg == expected_alg
    assert msg.kid == KID_BYTES
    assert msg.protected_map == {ALG: expected_alg, KID: KID_BYTES}
    assert cbor2.loads(msg.protected) == msg.protected_map
    assert msg.unprotected == {}
    assert msg.payload == PAYLOAD
    assert len(msg.signature) == 64
    assert msg.to_be_signed() == sig_structure(msg.protected, PAYLOAD)
    assert verify_signature(msg, signing_key.public_key()) is True


def test_ed25519_signature_checks_out_independently(ed_key: ed25519.Ed25519PrivateKey) -> None:
    msg = decode_sign1(encode_sign1(PAYLOAD, ed_key, KID_BYTES))
    tbs = cbor2.dumps(["Signature1", msg.protected, b"", PAYLOAD])
    ed_key.public_key().verify(msg.signature, tbs)  # raises if wrong


def test_es256_signature_checks_out_independently(ec_key: ec.EllipticCurvePrivateKey) -> None:
    msg = decode_sign1(encode_sign1(PAYLOAD, ec_key, KID_BYTES))
    tbs = cbor2.dumps(["Signature1", msg.protected, b"", PAYLOAD])
    r, s = int.from_bytes(msg.signature[:32], "big"), int.from_bytes(msg.signature[32:], "big")
    ec_key.public_key().verify(encode_dss_signature(r, s), tbs, ec.ECDSA(hashes.SHA256()))


def test_es256_signature_with_short_r_is_padded(ec_key: ec.EllipticCurvePrivateKey) -> None:
    # r or s below 2**248 happens about once in 128 signatures; they must still be 32 bytes each.
    for i in range(300):
        msg = decode_sign1(encode_sign1(PAYLOAD + bytes([i % 256, i // 256]), ec_key, b"k"))
        assert len(msg.signature) == 64
        assert verify_signature(msg, ec_key.public_key())


@settings(max_examples=25, deadline=None)
@given(payload=st.binary(max_size=200), kid=st.binary(max_size=16))
def test_round_trip_any_payload(payload: bytes, kid: bytes) -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    msg = decode_sign1(encode_sign1(payload, key, kid))
    assert (msg.payload, msg.kid) == (payload, kid)
    assert verify_signature(msg, key.public_key())


@pytest.mark.parametrize(
    "key",
    [
        lambda: ec.generate_private_key(ec.SECP384R1()),
        lambda: rsa.generate_private_key(public_exponent=65537, key_size=1024),
        lambda: object(),
    ],
    ids=["P-384", "RSA", "object"],
)
def test_encode_refuses_keys_without_a_signing_alg(key: Any) -> None:
    with pytest.raises(CoseError):
        encode_sign1(PAYLOAD, key(), KID_BYTES)


# --- PS256 ----------------------------------------------------------------------------------


def test_ps256_by_hand(rsa_key: rsa.RSAPrivateKey) -> None:
    protected = cbor2.dumps({ALG: PS256, KID: b"rsa"})
    tbs = sig_structure(protected, PAYLOAD)
    signature = rsa_key.sign(tbs, PSS, hashes.SHA256())
    assert len(signature) == 256
    msg = decode_sign1(cbor2.dumps(cbor2.CBORTag(18, [protected, {}, PAYLOAD, signature])))
    assert msg.alg == PS256
    assert msg.kid == b"rsa"
    assert verify_signature(msg, rsa_key.public_key()) is True
    assert verify_signature(dataclasses.replace(msg, payload=b"x"), rsa_key.public_key()) is False
    other = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    assert verify_signature(msg, other.public_key()) is False


@pytest.mark.parametrize(
    "pad",
    [
        padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=64),
        padding.PSS(mgf=padding.MGF1(hashes.SHA1()), salt_length=32),
        padding.PKCS1v15(),
    ],
    ids=["salt-64", "mgf1-sha1", "pkcs1v15"],
)
def test_ps256_other_paddings_fail(rsa_key: rsa.RSAPrivateKey, pad: Any) -> None:
    data = build({ALG: PS256}, {}, PAYLOAD, lambda tbs: rsa_key.sign(tbs, pad, hashes.SHA256()))
    assert verify_signature(decode_sign1(data), rsa_key.public_key()) is False


def test_ps256_truncated_signature_is_false(rsa_key: rsa.RSAPrivateKey) -> None:
    data = build({ALG: PS256}, {}, PAYLOAD, lambda tbs: rsa_key.sign(tbs, PSS, hashes.SHA256()))
    msg = decode_sign1(data)
    for sig in (msg.signature[:-1], b"", msg.signature + b"\x00"):
        assert (
            verify_signature(dataclasses.replace(msg, signature=sig), rsa_key.public_key()) is False
        )


# --- tags -----------------------------------------------------------------------------------


def test_decode_accepts_tagged_untagged_and_cwt(ed_key: ed25519.Ed25519PrivateKey) -> None:
    tagged = encode_sign1(PAYLOAD, ed_key, KID_BYTES)
    array = cbor2.loads(tagged).value
    untagged = cbor2.dumps(array)
    cwt = cbor2.dumps(cbor2.CBORTag(TAG_CWT, cbor2.CBORTag(TAG_SIGN1, array)))
    assert untagged[:1] == b"\x84"
    assert cwt[:3] == b"\xd8\x3d\xd2"
    messages = [decode_sign1(d) for d in (tagged, untagged, cwt)]
    assert messages[0] == messages[1] == messages[2]
    for msg in messages:
        assert verify_signature(msg, ed_key.public_key())


@pytest.mark.parametrize(
    "tag",
    [98, 17, 16, 1, 55799, 2],
    ids=["cose-sign-98", "cose-mac0-17", "cose-encrypt0-16", "1", "55799", "2"],
)
def test_decode_rejects_other_tags(ed_key: ed25519.Ed25519PrivateKey, tag: int) -> None:
    array = cbor2.loads(encode_sign1(PAYLOAD, ed_key, KID_BYTES)).value
    with pytest.raises(CoseError):
        decode_sign1(cbor2.dumps(cbor2.CBORTag(tag, array)))


# --- kid ------------------------------------------------------------------------------------


def test_unprotected_kid_used_without_protected_kid(ed_key: ed25519.Ed25519PrivateKey) -> None:
    data = build({ALG: EDDSA}, {KID: b"unprot"}, PAYLOAD, ed_key.sign)
    msg = decode_sign1(data)
    assert msg.kid == b"unprot"
    assert verify_signature(msg, ed_key.public_key())


def test_protected_kid_wins(ed_key: ed25519.Ed25519PrivateKey) -> None:
    data = build({ALG: EDDSA, KID: b"prot"}, {KID: b"unprot"}, PAYLOAD, ed_key.sign)
    msg = decode_sign1(data)
    assert msg.kid == b"prot"
    assert verify_signature(msg, ed_key.public_key())


def test_no_kid(ed_key: ed25519.Ed25519PrivateKey) -> None:
    assert decode_sign1(build({ALG: EDDSA}, {}, PAYLOAD, ed_key.sign)).kid is None


def test_kid_must_be_bytes(ed_key: ed25519.Ed25519PrivateKey) -> None:
    assert decode_sign1(build({ALG: EDDSA}, {KID: "text"}, PAYLOAD, ed_key.sign)).kid is None
    assert decode_sign1(build({ALG: EDDSA, KID: 7}, {}, PAYLOAD, ed_key.sign)).kid is None


def test_unprotected_alg_used_without_protected_alg(ed_key: ed25519.Ed25519PrivateKey) -> None:
    msg = decode_sign1(build({KID: b"k"}, {ALG: EDDSA}, PAYLOAD, ed_key.sign))
    assert msg.alg == EDDSA
    assert verify_signature(msg, ed_key.public_key()) is True


def test_protected_alg_wins(ed_key: ed25519.Ed25519PrivateKey, ec_key: Any) -> None:
    msg = decode_sign1(build({ALG: EDDSA}, {ALG: ES256}, PAYLOAD, ed_key.sign))
    assert msg.alg == EDDSA
    assert verify_signature(msg, ed_key.public_key()) is True
    # The unprotected alg cannot redirect verification to another key type.
    assert verify_signature(msg, ec_key.public_key()) is False


def test_alg_must_be_an_int(ed_key: ed25519.Ed25519PrivateKey) -> None:
    assert decode_sign1(build({ALG: True}, {}, PAYLOAD, ed_key.sign)).alg is None
    assert decode_sign1(build({ALG: "EdDSA"}, {}, PAYLOAD, ed_key.sign)).alg is None
    assert decode_sign1(build({}, {ALG: -8.0}, PAYLOAD, ed_key.sign)).alg is None
    msg = decode_sign1(build({ALG: "EdDSA"}, {}, PAYLOAD, ed_key.sign))
    assert verify_signature(msg, ed_key.public_key()) is False


def test_empty_protected_header(ed_key: ed25519.Ed25519PrivateKey) -> None:
    msg = decode_sign1(build(b"", {ALG: EDDSA, KID: b"u"}, PAYLOAD, ed_key.sign))
    assert msg.protected == b""
    assert msg.protected_map == {}
    assert msg.kid == b"u"
    assert msg.alg == EDDSA
    assert msg.to_be_signed() == cbor2.dumps(["Signature1", b"", b"", PAYLOAD])
    assert verify_signature(msg, ed_key.public_key()) is True


def test_no_alg_anywhere_is_false(ed_key: ed25519.Ed25519PrivateKey) -> None:
    msg = decode_sign1(build({KID: b"k"}, {}, PAYLOAD, ed_key.sign))
    assert msg.alg is None
    assert verify_signature(msg, ed_key.public_key()) is False


# --- verification failures ------------------------------------------------------------------


def test_altered_payload_fails(signing_key: Any) -> None:
    msg = decode_sign1(encode_sign1(PAYLOAD, signing_key, KID_BYTES))
    for payload in (flip(PAYLOAD, 5), PAYLOAD + b"\x00", b"", PAYLOAD[:-1]):
        altered = dataclasses.replace(msg, payload=payload)
        assert verify_signature(altered, signing_key.public_key()) is False


def test_altered_signature_fails(signing_key: Any) -> None:
    msg = decode_sign1(encode_sign1(PAYLOAD, signing_key, KID_BYTES))
    for index in (0, 31, 32, 63):
        altered = dataclasses.replace(msg, signature=flip(msg.signature, index))
        assert verify_signature(altered, signing_key.public_key()) is False


def test_altered_protected_header_fails(signing_key: Any) -> None:
    msg = decode_sign1(encode_sign1(PAYLOAD, signing_key, KID_BYTES))
    alg = msg.alg
    protected = cbor2.dumps({ALG: alg, KID: b"other"})
    altered = decode_sign1(cbor2.dumps([protected, {}, msg.payload, msg.signature]))
    assert altered.alg == alg
    assert verify_signature(altered, signing_key.public_key()) is False


def test_altered_encoded_message_fails(ed_key: ed25519.Ed25519PrivateKey) -> None:
    data = encode_sign1(PAYLOAD, ed_key, KID_BYTES)
    last_payload_byte = data.index(PAYLOAD) + len(PAYLOAD) - 1
    msg = decode_sign1(flip(data, last_payload_byte))
    assert verify_signature(msg, ed_key.public_key()) is False


def test_other_key_of_same_type_fails(signing_key: Any) -> None:
    msg = decode_sign1(encode_sign1(PAYLOAD, signing_key, KID_BYTES))
    other = (
        ed25519.Ed25519PrivateKey.generate()
        if isinstance(signing_key, ed25519.Ed25519PrivateKey)
        else ec.generate_private_key(ec.SECP256R1())
    )
    assert verify_signature(msg, other.public_key()) is False


def test_wrong_key_type_for_alg(ed_key: Any, ec_key: Any, rsa_key: Any) -> None:
    ed_msg = decode_sign1(encode_sign1(PAYLOAD, ed_key, KID_BYTES))
    ec_msg = decode_sign1(encode_sign1(PAYLOAD, ec_key, KID_BYTES))
    ps_msg = decode_sign1(
        build({ALG: PS256}, {}, PAYLOAD, lambda tbs: rsa_key.sign(tbs, PSS, hashes.SHA256()))
    )
    assert verify_signature(ed_msg, ec_key.public_key()) is False
    assert verify_signature(ed_msg, rsa_key.public_key()) is False
    assert verify_signature(ec_msg, ed_key.public_key()) is False
    assert verify_signature(ec_msg, rsa_key.public_key()) is False
    assert verify_signature(ps_msg, ed_key.public_key()) is False
    assert verify_signature(ps_msg, ec_key.public_key()) is False
    # A private key is not a public key.
    assert verify_signature(ed_msg, ed_key) is False
    assert verify_signature(ed_msg, None) is False


def test_es256_on_another_curve_fails(ec_key: ec.EllipticCurvePrivateKey) -> None:
    p384 = ec.generate_private_key(ec.SECP384R1())
    msg = decode_sign1(encode_sign1(PAYLOAD, ec_key, KID_BYTES))
    assert verify_signature(msg, p384.public_key()) is False


@pytest.mark.parametrize("length", [0, 32, 63, 65, 72])
def test_es256_signature_must_be_64_bytes(ec_key: ec.EllipticCurvePrivateKey, length: int) -> None:
    msg = decode_sign1(encode_sign1(PAYLOAD, ec_key, KID_BYTES))
    sig = (msg.signature * 2)[:length]
    assert verify_signature(dataclasses.replace(msg, signature=sig), ec_key.public_key()) is False


def test_es256_der_signature_rejected(ec_key: ec.EllipticCurvePrivateKey) -> None:
    # A valid signature in DER form (as `cryptography` returns it) is not the COSE r||s form.
    der_msg = decode_sign1(
        build({ALG: ES256}, {}, PAYLOAD, lambda tbs: ec_key.sign(tbs, ec.ECDSA(hashes.SHA256())))
    )
    ec_key.public_key().verify(der_msg.signature, der_msg.to_be_signed(), ec.ECDSA(hashes.SHA256()))
    assert len(der_msg.signature) != 64
    assert verify_signature(der_msg, ec_key.public_key()) is False


def test_es256_by_hand(ec_key: ec.EllipticCurvePrivateKey) -> None:
    msg = decode_sign1(build({ALG: ES256}, {}, PAYLOAD, lambda tbs: raw_es256(ec_key, tbs)))
    assert verify_signature(msg, ec_key.public_key()) is True


def test_ed25519_bad_signature_lengths(ed_key: ed25519.Ed25519PrivateKey) -> None:
    msg = decode_sign1(encode_sign1(PAYLOAD, ed_key, KID_BYTES))
    for sig in (b"", msg.signature[:63], msg.signature + b"\x00", b"\x00" * 64):
        assert (
            verify_signature(dataclasses.replace(msg, signature=sig), ed_key.public_key()) is False
        )


@pytest.mark.parametrize("alg", [-35, -36, -38, -257, 0, None], ids=str)
def test_unsupported_alg_is_false(ed_key: ed25519.Ed25519PrivateKey, alg: int | None) -> None:
    protected: dict[Any, Any] = {} if alg is None else {ALG: alg}
    msg = decode_sign1(build(protected, {}, PAYLOAD, ed_key.sign))
    assert verify_signature(msg, ed_key.public_key()) is False


def test_verify_does_not_raise_on_invalid_signature(ed_key: ed25519.Ed25519PrivateKey) -> None:
    msg = decode_sign1(encode_sign1(PAYLOAD, ed_key, KID_BYTES))
    altered = dataclasses.replace(msg, signature=flip(msg.signature))
    with pytest.raises(InvalidSignature):
        ed_key.public_key().verify(altered.signature, altered.to_be_signed())
    assert verify_signature(altered, ed_key.public_key()) is False


# --- malformed structures -------------------------------------------------------------------

GOOD_PROT = cbor2.dumps({ALG: EDDSA})
SIG = b"\x00" * 64

MALFORMED = {
    "empty": b"",
    "garbage": b"\xff\xfe\xfd",
    "text": cbor2.dumps("COSE"),
    "int": cbor2.dumps(18),
    "map": cbor2.dumps({1: 2}),
    "array-of-3": cbor2.dumps([GOOD_PROT, {}, PAYLOAD]),
    "array-of-5": cbor2.dumps([GOOD_PROT, {}, PAYLOAD, SIG, b""]),
    "tagged-array-of-3": cbor2.dumps(cbor2.CBORTag(18, [GOOD_PROT, {}, PAYLOAD])),
    "protected-text": cbor2.dumps(["\xa1\x01\x27", {}, PAYLOAD, SIG]),
    "protected-map": cbor2.dumps([{ALG: EDDSA}, {}, PAYLOAD, SIG]),
    "protected-nil": cbor2.dumps([None, {}, PAYLOAD, SIG]),
    "unprotected-list": cbor2.dumps([GOOD_PROT, [], PAYLOAD, SIG]),
    "unprotected-bytes": cbor2.dumps([GOOD_PROT, b"\xa0", PAYLOAD, SIG]),
    "unprotected-nil": cbor2.dumps([GOOD_PROT, None, PAYLOAD, SIG]),
    "payload-nil-detached": cbor2.dumps([GOOD_PROT, {}, None, SIG]),
    "payload-text": cbor2.dumps([GOOD_PROT, {}, "payload", SIG]),
    "payload-map": cbor2.dumps([GOOD_PROT, {}, {1: "CZ"}, SIG]),
    "signature-text": cbor2.dumps([GOOD_PROT, {}, PAYLOAD, "sig"]),
    "signature-nil": cbor2.dumps([GOOD_PROT, {}, PAYLOAD, None]),
    "signature-array": cbor2.dumps([GOOD_PROT, {}, PAYLOAD, [SIG]]),
    "protected-header-array": cbor2.dumps([cbor2.dumps([1, -8]), {}, PAYLOAD, SIG]),
    "protected-header-int": cbor2.dumps([cbor2.dumps(1), {}, PAYLOAD, SIG]),
    "protected-header-garbage": cbor2.dumps([b"\xff\x00", {}, PAYLOAD, SIG]),
    "protected-header-trailing": cbor2.dumps([GOOD_PROT + b"\x00", {}, PAYLOAD, SIG]),
    "protected-header-tagged": cbor2.dumps([b"\xc1\xa0", {}, PAYLOAD, SIG]),
    "trailing-bytes": cbor2.dumps([GOOD_PROT, {}, PAYLOAD, SIG]) + b"\x00",
    "truncated": cbor2.dumps([GOOD_PROT, {}, PAYLOAD, SIG])[:-1],
    "tag-only": b"\xd2",
    "cwt-tag-only": b"\xd8\x3d",
    "cwt-wraps-garbage": b"\xd8\x3d\xd2\xff",
    "tag-in-unprotected": cbor2.dumps([GOOD_PROT, {4: cbor2.CBORTag(1, 0)}, PAYLOAD, SIG]),
    "too-deep": b"\x84\x40\xa1\x00" + b"\x81" * 20 + b"\x00" + b"\x40\x40",
}


@pytest.mark.parametrize("data", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_raises_cose_error(data: bytes) -> None:
    with pytest.raises(CoseError):
        decode_sign1(data)


def test_error_messages_name_the_part() -> None:
    cases = {
        "array-of-3": "array of four",
        "protected-text": "protected header must be a byte string",
        "unprotected-list": "unprotected header must be a map",
        "payload-nil-detached": "detached",
        "signature-text": "signature must be a byte string",
        "protected-header-array": "protected header must encode a map",
        "protected-header-garbage": "protected header is not CBOR",
        "garbage": "not CBOR",
    }
    for name, fragment in cases.items():
        with pytest.raises(CoseError, match=fragment):
            decode_sign1(MALFORMED[name])


def test_cose_error_is_a_value_error() -> None:
    assert issubclass(CoseError, ValueError)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=120))
@example(b"\xd8\x3d\xd2\x84\x40\xa0\x40\x40")
@example(b"\xd2\x84\x41\xa0\xa0\x40\x40")
def test_random_bytes_only_raise_cose_error(data: bytes) -> None:
    try:
        msg = decode_sign1(data)
    except CoseError:
        return
    assert isinstance(msg, Sign1)
    assert isinstance(msg.payload, bytes)
    assert isinstance(msg.protected_map, dict)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_mutated_messages_only_raise_cose_error(data: st.DataObject) -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    raw = bytearray(encode_sign1(data.draw(st.binary(max_size=40)), key, b"kid"))
    i = data.draw(st.integers(0, len(raw) - 1))
    raw[i] = data.draw(st.integers(0, 255).filter(lambda b: b != raw[i]))
    try:
        msg = decode_sign1(bytes(raw))
    except CoseError:
        return
    # A single-byte change that still decodes must not verify.
    assert verify_signature(msg, key.public_key()) is False


@given(
    protected=st.binary(max_size=40),
    payload=st.binary(max_size=70_000),
    aad=st.binary(max_size=300),
)
@settings(max_examples=200, deadline=None)
def test_sig_structure_is_the_cbor_encoding_of_the_rfc_array(protected, payload, aad):
    expected = cbor2.dumps(["Signature1", protected, aad, payload])
    assert sig_structure(protected, payload, aad) == expected
