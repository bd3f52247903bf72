"""The risk engine: precision and recall per rule on generated scenarios, and its speed.

Quality: `enduse.risk.scenarios` builds transfers with one red-flag pattern each
injected (and clean ones), with the ground truth; every rule's precision and
recall are printed as a table (stderr) and in the JSON line. These patterns are
the rules' own definitions made concrete, so the figures check that each rule
finds what it claims and nothing else, not how often real diversion looks so.

Speed: the synthetic registry of bench/registry.py (100,000 licences, 300,000
shipments, DVCs), with an inventory for every end user and 1,000 sightings of
shipped lots moving on, recorded on SQLite, then the whole registry evaluated (facts
loaded from the database, every rule run; target <= 60 s), and 1,000 licences
re-evaluated one by one as after a change (their neighbourhood only; target
p99 <= 50 ms). Baseline: the time to read the same records from the database,
which any evaluation must at least spend.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from enduse.registry.db import make_engine, session_factory
from enduse.registry.migrate import upgrade
from enduse.risk.config import load_config
from enduse.risk.engine import evaluate
from enduse.risk.facts import facts_from_bundle, load_facts
from enduse.risk.scenarios import PATTERNS, generate
from enduse.risk.scope import case_subjects
from enduse.workflow.imports import record_bundle
from registry import synthetic_bundle

DAY = date(2027, 1, 1)


def say(message: str) -> None:
    print(f"[risk bench] {message}", file=sys.stderr, flush=True)


def quality(cases: int) -> dict[str, dict[str, float]]:
    bundle, truth = generate(cases)
    config = load_config()
    config.update(bundle.get("risk_config", {}))  # F4's states come with the scenario
    found = {
        (f.rule, f.subject_type, f.subject_id)
        for f in evaluate(facts_from_bundle(bundle), config, DAY)
    }
    per_rule: dict[str, dict[str, float]] = {}
    rules = sorted(set(PATTERNS) | {r for r, _, _ in found})
    lines = [
        f"{'rule':<6}{'injected':>9}{'found':>7}{'tp':>5}{'fp':>5}{'fn':>5}{'precision':>11}{'recall':>8}"
    ]
    for rule in rules:
        t = {x for x in truth if x[0] == rule}
        f = {x for x in found if x[0] == rule}
        tp, fp, fn = len(t & f), len(f - t), len(t - f)
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        per_rule[rule] = {"truth": len(t), "tp": tp, "fp": fp, "fn": fn,
                          "precision": round(precision, 4), "recall": round(recall, 4)}  # fmt: skip
        lines.append(
            f"{rule:<6}{len(t):>9}{len(f):>7}{tp:>5}{fp:>5}{fn:>5}{precision:>11.3f}{recall:>8.3f}"
        )
    print("\n".join(lines), file=sys.stderr)
    return per_rule


def speed(licences: int, singles: int) -> dict[str, float]:
    bundle = synthetic_bundle(licences)
    # what the registry generator leaves out and the rules read: inventories of the end users,
    # and 1,000 sightings of shipped lots moving on (G5, G6 across the whole registry)
    rng = random.Random(11)
    end_users = sorted({e["end_user"] for e in bundle["eucs"]})
    calibres = sorted(
        {i["calibre"] for e in bundle["eucs"] for i in e["items"] if i.get("calibre")}
    )
    bundle["inventories"] = [{"holder": p, "calibres": rng.sample(calibres, k=max(1, len(calibres) // 2)),
                              "as_of": "2025-01-01", "source": "bench"} for p in end_users]  # fmt: skip
    destination = {e["euc_number"]: e["country_of_final_destination"] for e in bundle["eucs"]}
    licence_euc = {x["licence_number"]: x["euc"]["euc_number"] for x in bundle["licences"]}
    bundle["observations"] = [
        {"id": f"obs-{n}", "kind": "trace", "date": "2026-12-01", "source": "bench", "status": "confirmed",
         "from_state": destination[licence_euc[s["licence_number"]]], "to_state": "UA",
         "items": [{"description": "goods", "lots": s["items"][0]["lots"]}]}
        for n, s in enumerate(rng.sample(bundle["shipments"], k=1000))
    ]  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'registry.sqlite'}")
        upgrade(engine)
        sessions = session_factory(engine)
        say(f"recording {licences} licences")
        with sessions() as session, session.begin():
            record_bundle(session, bundle)
        del bundle
        readers = session_factory(engine, read_only=True)
        started = time.perf_counter()
        with readers() as session:
            facts = load_facts(session)
        load_s = time.perf_counter() - started
        started = time.perf_counter()
        findings = evaluate(facts, load_config(), DAY)
        rules_s = time.perf_counter() - started
        say(f"loaded in {load_s:.1f} s, evaluated in {rules_s:.1f} s: {len(findings)} findings")
        rng = random.Random(3)
        numbers = rng.sample(sorted(facts.licences), singles)
        config = load_config()
        times = []
        for number in numbers:
            t = time.perf_counter()
            near = facts.around(number)
            scope = case_subjects(near, licence=number)
            _ = [f for f in evaluate(near, config, DAY) if (f.subject_type, f.subject_id) in scope]
            times.append(time.perf_counter() - t)
        times.sort()
        engine.dispose()
    return {
        "licences": len(facts.licences), "shipments": len(facts.shipments), "dvcs": len(facts.dvcs),
        "findings": len(findings), "findings_by_rule": dict(Counter(f.rule for f in findings)),
        "load_facts_s": round(load_s, 2), "rules_s": round(rules_s, 2),
        "full_evaluation_s": round(load_s + rules_s, 2), "target_full_s": 60,
        "baseline": "reading the records from SQLite (load_facts), which every evaluation needs",
        "ratio": round((load_s + rules_s) / load_s, 2),
        "single_licence_p50_ms": round(1000 * times[len(times) // 2], 2),
        "single_licence_p99_ms": round(1000 * times[int(len(times) * 0.99)], 2), "target_single_p99_ms": 50,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=3100)
    parser.add_argument("--licences", type=int, default=100_000)
    parser.add_argument("--singles", type=int, default=1000)
    args = parser.parse_args()
    result = {
        "bench": "risk",
        "quality": quality(args.cases),
        "speed": speed(args.licences, args.singles),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
