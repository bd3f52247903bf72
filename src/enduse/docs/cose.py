"""COSE_Sign1 (RFC 9052 §4.2), the part of it signed documents need.

pycose 1.1.0 (the maintained-looking option, last released 2023) cannot
decode the EU DCC vectors with current cbor2 ("Bytes cannot be decoded as
COSE message" on 70 of 71) and pulls in the unmaintained oscrypto, so this is
a thin layer over cbor2 and `cryptography`. It accepts what real issuers
produce: tagged (18) or untagged, tag 61 (CWT) around tag 18, and `kid` or
`alg` in the unprotected header when the protected one has none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from enduse.docs.cbor_safe import CborShapeError, safe_loads

ALG, KID = 1, 4
EDDSA, ES256, PS256 = -8, -7, -37
SIGNING_ALGS = {EDDSA: "EdDSA", ES256: "ES256"}
VERIFYING_ALGS = {**SIGNING_ALGS, PS256: "PS256"}
TAG_SIGN1, TAG_CWT = 18, 61


_COMMON_PROTECTED = {
    b"\xa2\x01\x27\x04\x48": EDDSA,  # {1: -8, 4: bstr .size 8}
    b"\xa2\x01\x26\x04\x48": ES256,  # {1: -7, 4: bstr .size 8}
}


class CoseError(ValueError):
    pass


@dataclass(slots=True)  # not frozen: built once per verification, and frozen init is slow
class Sign1:
    protected: bytes  # the serialized protected header, exactly as signed
    protected_map: dict[Any, Any]
    unprotected: dict[Any, Any]
    payload: bytes
    signature: bytes

    @property
    def alg(self) -> int | None:
        """Like kid: protected wins; some real issuers (a DCC vector) put it unprotected.

        Accepting that is safe because the verifier only uses an algorithm with
        a key of its own type (no EdDSA with an RSA key, ...).
        """
        alg = self.protected_map.get(ALG)
        if alg is None:
            alg = self.unprotected.get(ALG)
        return alg if isinstance(alg, int) and not isinstance(alg, bool) else None

    @property
    def kid(self) -> bytes | None:
        """The protected kid wins; the unprotected one counts only when no protected one exists."""
        kid = self.protected_map.get(KID)
        if kid is None:
            kid = self.unprotected.get(KID)
        return kid if isinstance(kid, bytes) else None

    def to_be_signed(self) -> bytes:
        return sig_structure(self.protected, self.payload)


def sig_structure(protected: bytes, payload: bytes, external_aad: bytes = b"") -> bytes:
    """The bytes a COSE_Sign1 signature covers: ["Signature1", protected, aad, payload]."""
    return (
        b"\x84\x6aSignature1"
        + _bstr_head(protected)
        + _bstr_head(external_aad)
        + _bstr_head(payload)
    )


def _bstr_head(value: bytes) -> bytes:
    """A byte string in CBOR's preferred (shortest) encoding, as cbor2.dumps writes it."""
    n = len(value)
    if n < 24:
        head = bytes([0x40 | n])
    elif n < 0x100:
        head = bytes([0x58, n])
    elif n < 0x10000:
        head = b"\x59" + n.to_bytes(2, "big")
    elif n < 0x100000000:
        head = b"\x5a" + n.to_bytes(4, "big")
    else:
        head = b"\x5b" + n.to_bytes(8, "big")
    return head + value


def _after_tags(data: bytes) -> int:
    """Where the COSE_Sign1 array starts: after tag 61 (CWT) and tag 18, when present."""
    pos = 2 if data[:2] == b"\xd8\x3d" else 0
    return pos + 1 if data[pos : pos + 1] == b"\xd2" else pos


def _bstr(data: bytes, pos: int) -> tuple[bytes, int] | None:
    """A definite byte string at `pos`, or None when it is anything else."""
    if pos >= len(data):
        return None
    head = data[pos]
    if 0x40 <= head <= 0x57:
        size, pos = head - 0x40, pos + 1
    elif 0x58 <= head <= 0x5A:
        width = 1 << (head - 0x58)
        size, pos = int.from_bytes(data[pos + 1 : pos + 1 + width], "big"), pos + 1 + width
    else:
        return None
    if pos + size > len(data):
        return None
    return data[pos : pos + size], pos + size


def _split_common(data: bytes, start: int) -> list[Any] | None:
    """The usual shape, [bstr, {}, bstr, bstr], read without a general decoder; else None."""
    if data[start : start + 1] != b"\x84":
        return None
    protected = _bstr(data, start + 1)
    if protected is None or protected[1] >= len(data) or data[protected[1]] != 0xA0:
        return None
    payload = _bstr(data, protected[1] + 1)
    signature = _bstr(data, payload[1]) if payload else None
    if payload is None or signature is None or signature[1] != len(data):
        return None
    return [protected[0], {}, payload[0], signature[0]]


def decode_sign1(data: bytes) -> Sign1:
    start = _after_tags(data)
    outer = _split_common(data, start)
    if outer is None:
        try:
            outer = safe_loads(data[start:])
        except CborShapeError as e:
            raise CoseError(f"not CBOR: {e}") from None
    if not isinstance(outer, list) or len(outer) != 4:
        raise CoseError(
            "COSE_Sign1 is an array of four: protected, unprotected, payload, signature"
        )
    protected, unprotected, payload, signature = outer
    if not isinstance(protected, bytes):
        raise CoseError("protected header must be a byte string")
    if not isinstance(unprotected, dict):
        raise CoseError("unprotected header must be a map")
    if not isinstance(payload, bytes):
        raise CoseError("payload must be a byte string (detached payloads are not accepted)")
    if not isinstance(signature, bytes):
        raise CoseError("signature must be a byte string")
    if len(protected) == 13 and protected[:5] in _COMMON_PROTECTED:
        # the header every enduse signer writes, {1: alg, 4: h'8 bytes'}: no decoder needed
        protected_map = {ALG: _COMMON_PROTECTED[protected[:5]], KID: protected[5:]}
    elif protected:
        try:
            protected_map = safe_loads(protected)
        except CborShapeError as e:
            raise CoseError(f"protected header is not CBOR: {e}") from None
        if not isinstance(protected_map, dict):
            raise CoseError("protected header must encode a map")
    else:
        protected_map = {}
    return Sign1(protected, protected_map, unprotected, payload, signature)


def encode_sign1(payload: bytes, private_key: Any, kid: bytes) -> bytes:
    """Sign `payload` as a tagged COSE_Sign1 with alg and kid protected."""
    alg = _alg_for_key(private_key)
    protected = cbor2.dumps({ALG: alg, KID: kid})
    tbs = sig_structure(protected, payload)
    if alg == EDDSA:
        signature = private_key.sign(tbs)
    else:
        r, s = decode_dss_signature(private_key.sign(tbs, ec.ECDSA(hashes.SHA256())))
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return cbor2.dumps(cbor2.CBORTag(TAG_SIGN1, [protected, {}, payload, signature]))


def _alg_for_key(private_key: Any) -> int:
    if isinstance(private_key, ed25519.Ed25519PrivateKey):
        return EDDSA
    if (
        isinstance(private_key, ec.EllipticCurvePrivateKey)
        and private_key.curve.name == "secp256r1"
    ):
        return ES256
    raise CoseError(f"no signing algorithm for a {type(private_key).__name__}")


def verify_signature(msg: Sign1, public_key: Any) -> bool:
    """True when the signature verifies under `public_key` with the message's algorithm."""
    alg, tbs, sig = msg.alg, msg.to_be_signed(), msg.signature
    try:
        if alg == EDDSA and isinstance(public_key, ed25519.Ed25519PublicKey):
            public_key.verify(sig, tbs)
        elif alg == ES256 and isinstance(public_key, ec.EllipticCurvePublicKey):
            if len(sig) != 64 or public_key.curve.name != "secp256r1":
                return False
            der = encode_dss_signature(
                int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
            )
            public_key.verify(der, tbs, ec.ECDSA(hashes.SHA256()))
        elif alg == PS256 and isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(
                sig,
                tbs,
                padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
                hashes.SHA256(),
            )
        else:
            return False
    except InvalidSignature:
        return False
    return True
