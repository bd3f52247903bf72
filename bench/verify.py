"""Offline verifications per second of an EUC1: payload against raw Ed25519 on the same bytes.

Rounds alternate the two measurements so machine noise hits both alike; the
figure that matters is the median of the per-round ratios (target >= 0.6:
the verify path adds little to the signature check). Also signatures per
second, against raw Ed25519 signing.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from enduse.docs.base45 import b45decode
from enduse.docs.compact import claims_for, embed_parties, encode_payload
from enduse.docs.cose import decode_sign1
from enduse.docs.doctypes import DOC_TYPES, parse_doc_types
from enduse.docs.local_pki import LocalPki
from enduse.docs.signing import sign_euc
from enduse.docs.verify import inflate, verify
from enduse.domain.bundle import load_bundle_text
from enduse.scenarios import scenario_text

ROUNDS = 31
PER_ROUND = 0.1  # seconds per measurement


def rate(fn, seconds: float = PER_ROUND) -> float:
    n, start = 0, time.perf_counter()
    while True:
        for _ in range(50):
            fn()
        n += 50
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return n / elapsed


def main() -> None:
    bundle = load_bundle_text(scenario_text()).bundle
    with tempfile.TemporaryDirectory() as home:
        pki = LocalPki(Path(home))
        pki.init_state("CZ")
        pki.issue_signer("CZ", "CZ-MOD", parse_doc_types("EUC"))
        payload = sign_euc(bundle, "CZ-MOD-2025-0042", pki)
        store = pki.store()
        at = datetime(2025, 6, 1, tzinfo=UTC)
        assert verify(payload, store, at=at).valid

        doc_type = DOC_TYPES["EUC"]
        euc = bundle.euc("CZ-MOD-2025-0042")[0]
        key = pki.signing_key("CZ-MOD", doc_type)
        msg = decode_sign1(inflate(b45decode(payload[len(doc_type.prefix) :])))
        tbs, sig = msg.to_be_signed(), msg.signature
        public = key.signer.public_key
        private = key.private_key

        def full_sign() -> str:
            body = embed_parties(doc_type, euc.to_json(), {p.id: p for p in bundle.parties})
            return encode_payload(
                doc_type, claims_for(doc_type, body, "CZ"), private, key.signer.kid
            )

        rows = []
        for _ in range(ROUNDS):
            v = rate(lambda: verify(payload, store, at=at))
            r = rate(lambda: public.verify(sig, tbs))
            s = rate(full_sign)
            rs = rate(lambda: private.sign(tbs))
            rows.append((v, r, s, rs))

    med = lambda i: statistics.median(row[i] for row in rows)  # noqa: E731
    ratios = [v / r for v, r, _, _ in rows]
    sign_ratios = [s / rs for _, _, s, rs in rows]
    print(
        json.dumps(
            {
                "bench": "verify",
                "payload_chars": len(payload),
                "verify_per_s": round(med(0)),
                "baseline": "cryptography Ed25519 verify of the same Sig_structure bytes",
                "raw_ed25519_verify_per_s": round(med(1)),
                "ratio": round(statistics.median(ratios), 3),
                "ratio_min": round(min(ratios), 3),
                "target_ratio": 0.6,
                "meets_target": statistics.median(ratios) >= 0.6,
                "sign_per_s": round(med(2)),
                "raw_ed25519_sign_per_s": round(med(3)),
                "sign_ratio": round(statistics.median(sign_ratios), 3),
                "verify_median_us": round(1e6 / med(0), 1),
                "rounds": ROUNDS,
            }
        )
    )


if __name__ == "__main__":
    main()
