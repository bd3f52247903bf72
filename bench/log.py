"""Appends per second to the tiled log (directory backend), against the bare hashing floor.

1,000,000 entries of 200 bytes are appended in batches to a fresh log in a
temporary directory; every batch is durable (tiles, bundles and checkpoint
synced) before the next begins. The baseline is what no log can beat: the
two SHA-256 per entry (leaf hash, and about one node hash) done with hashlib
in the same run. Then inclusion proofs at the full size: p50 and p99 of
proof generation from tiles (target p50 < 1 ms), and the process's peak
memory (the log keeps only the right edge in memory).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from enduse.docs import note
from enduse.tlog import merkle
from enduse.tlog.log import TileLog
from enduse.tlog.storage import DirectoryStorage

ENTRIES = int(os.environ.get("ENDUSE_BENCH_LOG_ENTRIES", 1_000_000))
BATCH = 8192
ENTRY_SIZE = 200
PROOFS = 2000


def hashing_floor(entries: list[bytes]) -> float:
    """Seconds for two SHA-256 per entry: the leaf hash and one interior node."""
    sha = hashlib.sha256
    start = time.perf_counter()
    previous = b"\x00" * 32
    for e in entries:
        leaf = sha(b"\x00" + e).digest()
        previous = sha(b"\x01" + previous + leaf).digest()
    return time.perf_counter() - start


def main() -> None:
    rng = random.Random(7)
    template = [rng.randbytes(ENTRY_SIZE) for _ in range(BATCH)]
    key, vkey = note.generate_ed25519("bench.enduse.example/log")
    with tempfile.TemporaryDirectory(dir=os.environ.get("ENDUSE_BENCH_DIR")) as root:
        storage = DirectoryStorage(Path(root))
        log = TileLog.create(
            storage, note.ed25519_signer("bench.enduse.example/log", key), note.parse_vkey(vkey)
        )
        append_seconds = 0.0
        floor_seconds = 0.0
        done = 0
        while done < ENTRIES:
            count = min(BATCH, ENTRIES - done)
            batch = [done.to_bytes(8, "big") + t[8:] for t in template[:count]]
            start = time.perf_counter()
            log.append(batch)
            append_seconds += time.perf_counter() - start
            floor_seconds += hashing_floor(batch)
            done += count
        proof_times = []
        size = log.size
        root = log.checkpoint.root
        reader = TileLog.open(storage, note.parse_vkey(vkey))
        for _ in range(PROOFS):
            index = rng.randrange(size)
            start = time.perf_counter()
            proof = reader.inclusion_proof(index)
            proof_times.append(time.perf_counter() - start)
        entry = reader.entry(index)
        merkle.verify_inclusion(merkle.leaf_hash(entry), index, size, proof, root)
    proof_times.sort()
    rate = ENTRIES / append_seconds
    floor = ENTRIES / floor_seconds
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "bench": "log",
                "entries": ENTRIES,
                "entry_bytes": ENTRY_SIZE,
                "batch": BATCH,
                "appends_per_s": round(rate),
                "target_appends_per_s": 20000,
                "meets_target": rate >= 20000,
                "baseline": "two hashlib SHA-256 per entry (the hashing floor)",
                "hashing_floor_per_s": round(floor),
                "ratio_to_floor": round(rate / floor, 3),
                "proof_p50_ms": round(statistics.median(proof_times) * 1e3, 3),
                "proof_p99_ms": round(proof_times[int(len(proof_times) * 0.99)] * 1e3, 3),
                "target_proof_p50_ms": 1.0,
                "peak_rss_mib": round(peak_mib, 1),
                "python": sys.version.split()[0],
            }
        )
    )


if __name__ == "__main__":
    main()
