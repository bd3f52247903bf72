"""Offline verifications per second of an EUC1: payload against raw Ed25519 on the same bytes.

Blocks of the two alternate and every call is timed on its own: the machine
is shared, and a burst of someone else's work lands in a few calls of either
side, so per-call medians are the figures (rate = 1 / median time) and the
ratio is raw median / verify median (target >= 0.6: the verify path adds
little to the signature check). Means over the same calls are printed too.
Also signatures per second, against raw Ed25519 signing.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from collections.abc import Callable
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

BLOCKS = 40
PER_BLOCK = 100  # calls of one kind in a row


def timed(fn: Callable[[], object], out: list[float]) -> None:
    clock = time.perf_counter
    for _ in range(PER_BLOCK):
        start = clock()
        fn()
        out.append(clock() - start)


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
        public, private, kid = key.signer.public_key, key.private_key, key.signer.kid
        parties = {p.id: p for p in bundle.parties}

        def full_sign() -> str:
            body = embed_parties(doc_type, euc.to_json(), parties)
            return encode_payload(doc_type, claims_for(doc_type, body, "CZ"), private, kid)

        runs: dict[str, list[float]] = {"verify": [], "raw": [], "sign": [], "raw_sign": []}
        for _ in range(BLOCKS):
            timed(lambda: verify(payload, store, at=at), runs["verify"])
            timed(lambda: public.verify(sig, tbs), runs["raw"])
            timed(full_sign, runs["sign"])
            timed(lambda: private.sign(tbs), runs["raw_sign"])

    med = {k: statistics.median(v) for k, v in runs.items()}
    mean = {k: statistics.fmean(v) for k, v in runs.items()}
    ratio = med["raw"] / med["verify"]
    print(
        json.dumps(
            {
                "bench": "verify",
                "payload_chars": len(payload),
                "verify_per_s": round(1 / med["verify"]),
                "verify_median_us": round(med["verify"] * 1e6, 1),
                "baseline": "cryptography Ed25519 verify of the same Sig_structure bytes",
                "raw_ed25519_verify_per_s": round(1 / med["raw"]),
                "raw_median_us": round(med["raw"] * 1e6, 1),
                "ratio": round(ratio, 3),
                "target_ratio": 0.6,
                "meets_target": ratio >= 0.6,
                "ratio_of_means": round(mean["raw"] / mean["verify"], 3),
                "sign_per_s": round(1 / med["sign"]),
                "raw_ed25519_sign_per_s": round(1 / med["raw_sign"]),
                "sign_ratio": round(med["raw_sign"] / med["sign"], 3),
                "calls_each": len(runs["verify"]),
            }
        )
    )


if __name__ == "__main__":
    main()
