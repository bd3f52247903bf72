"""The EU DCC 2D-code conformance vectors, for every check a generic verifier can make.

Vectors: tests/vectors/dcc (Apache-2.0, see ORIGIN.md there). HCERT-specific
expectations (schema, JSON equality of the health certificate, key-usage
OIDs of health certificates) are not ours to check; the picture decode is in
test_qr.py.
"""

from __future__ import annotations

import base64
import json
import zlib
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509

from enduse.docs.base45 import Base45Error, b45decode, b45encode
from enduse.docs.cbor_safe import CborShapeError, safe_loads
from enduse.docs.reasons import Failure, Reason
from enduse.docs.trust_list import TrustStore
from enduse.docs.verify import inflate, verify

ROOT = Path(__file__).parents[1] / "vectors" / "dcc"
VECTORS = sorted(ROOT.glob("*/2DCode/raw/*.json"))
SIGNATURE_CHECKED = {Reason.VALID, Reason.EXPIRED, Reason.NOT_YET_VALID}

# Vectors whose own data contradict their expectation, with the reason (strict xfail: if the
# vector is ever fixed, the test says so).
KNOWN_BAD: dict[tuple[str, str], str] = {
    ("EXPECTEDDECODE", "FR/test_pcr_ok.json"): (
        "the vector's JSON gives sc/dr two hours earlier than its CBOR (12:34:56Z vs 14:34:56Z): "
        "a local time written with a Z; the CBOR decodes fine, the comparison cannot match"
    ),
}


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text("utf-8"))


def _cases(flag: str) -> list[Any]:
    out = []
    for path in VECTORS:
        v = _load(path)
        if flag in v.get("EXPECTEDRESULTS", {}):
            name = f"{path.parts[-4]}/{path.name}"
            bad = KNOWN_BAD.get((flag, name))
            marks = [pytest.mark.xfail(strict=True, reason=bad)] if bad else []
            out.append(pytest.param(v, v["EXPECTEDRESULTS"][flag], id=name, marks=marks))
    return out


def _clock(v: dict[str, Any]) -> datetime:
    text = v["TESTCTX"]["VALIDATIONCLOCK"].replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":  # 2021-06-09T15:15:34+0200
        text = text[:-2] + ":" + text[-2:]
    return datetime.fromisoformat(text)


def _trust(v: dict[str, Any]) -> TrustStore:
    store = TrustStore()
    cert = v["TESTCTX"].get("CERTIFICATE")
    if cert:
        store.trust_directly(x509.load_der_x509_certificate(base64.b64decode(cert)))
    return store


def _from_cose(v: dict[str, Any]) -> str:
    return "HC1:" + b45encode(zlib.compress(bytes.fromhex(v["COSE"])))


def test_the_vectors_are_there():
    assert len(VECTORS) >= 70


@pytest.mark.parametrize(("v", "expected"), _cases("EXPECTEDUNPREFIX"))
def test_unprefix(v, expected):
    text = v["PREFIX"]
    if expected:
        assert text.startswith("HC1:") and text[4:] == v["BASE45"]
    else:
        assert verify(text, TrustStore(), prefix="HC1:").result is Reason.BAD_PREFIX


@pytest.mark.parametrize(("v", "expected"), _cases("EXPECTEDB45DECODE"))
def test_base45(v, expected):
    if expected:
        assert b45decode(v["BASE45"]) == bytes.fromhex(v["COMPRESSED"])
    else:
        with pytest.raises(Base45Error):
            b45decode(v["BASE45"])
        assert verify(v["PREFIX"], TrustStore(), prefix="HC1:").result is Reason.BAD_BASE45


@pytest.mark.parametrize(("v", "expected"), _cases("EXPECTEDCOMPRESSION"))
def test_compression(v, expected):
    compressed = bytes.fromhex(v["COMPRESSED"])
    if expected:
        assert inflate(compressed) == bytes.fromhex(v["COSE"])
        return
    with pytest.raises(zlib.error):
        zlib.decompress(compressed)  # the zlib step itself fails, as the vector says
    try:
        body = inflate(compressed)
    except Failure as f:
        assert f.reason is Reason.BAD_COMPRESSION
    else:
        # SIGNED-DOCS.md: like HCERT verifiers, enduse accepts an uncompressed COSE body.
        assert body == compressed and compressed[:1] in (b"\xd2", b"\xd8", b"\x84")


@pytest.mark.parametrize(("v", "expected"), _cases("EXPECTEDDECODE"))
def test_decode(v, expected):
    if expected:
        decoded = safe_loads(bytes.fromhex(v["CBOR"]))
        assert isinstance(decoded, dict)
        # Some issuers give the health certificate alone, others the whole CWT around it.
        content = decoded[-260][1] if -260 in decoded else decoded
        if "JSON" in v:
            assert content == v["JSON"]
        return
    with pytest.raises(CborShapeError):
        safe_loads(bytes.fromhex(v["CBOR"]))


@pytest.mark.parametrize(("v", "expected"), _cases("EXPECTEDVERIFY"))
def test_signature(v, expected):
    result = verify(_from_cose(v), _trust(v), at=_clock(v), prefix="HC1:").result
    assert (result in SIGNATURE_CHECKED) is expected, result


@pytest.mark.parametrize(("v", "expected"), _cases("EXPECTEDEXPIRATIONCHECK"))
def test_expiration(v, expected):
    result = verify(_from_cose(v), _trust(v), at=_clock(v), prefix="HC1:").result
    if expected:
        assert result is Reason.VALID
    else:
        assert result in (Reason.EXPIRED, Reason.NOT_YET_VALID)


@pytest.mark.parametrize(("v", "expected"), _cases("EXPECTEDVALIDJSON"))
def test_whole_chain_from_the_prefixed_text(v, expected):
    """From the QR text to the signed claims: the full envelope pipeline on real issuers' output."""
    result = verify(v["PREFIX"], _trust(v), at=_clock(v), prefix="HC1:").result
    assert (result in SIGNATURE_CHECKED) is expected, result
