"""Screening quality and speed: the embedded index against nomenklatura's logic-v2 scored directly.

Quality: the 826 labelled name pairs of nomenklatura's name benchmark (many
cross-script; tests/vectors/names). The second name of every pair is loaded as
an entity among at least 100,000 distractors (Faker names and companies in
Russian, Serbian (Croatian names written in Serbian Cyrillic: Faker has no
Serbian locale), Bulgarian, Ukrainian, Czech, Macedonian, Arabic, Polish, German
and English), the first name is screened, and a pair counts as matched when its
entity is a hit at 0.7 or above. Precision, recall and F1 are printed next to
the same pairs scored directly by logic-v2 with no retrieval: what retrieval
loses is the recall difference (target: at most 1 point).

Speed: an index of 1,000,000 such entities; queries (a mix of indexed names,
altered names and pair names) screened one after another in a fresh process on
one core, with p50/p99 latency and that process's peak resident memory. The
baseline is the time logic-v2 alone needs to score yente's default 50
candidates per query (so ratio = our whole query / scoring 50 candidates).
Target: >= 40 queries per second, <= 2 GB resident.

`--entities N` and `--distractors N` make quicker runs.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from faker import Faker

from enduse.screening.lists import load_list
from enduse.screening.scoring import THRESHOLD, query_entity
from enduse.screening.store import ListStore

ROOT = Path(__file__).resolve().parent.parent
PAIRS = ROOT / "tests" / "vectors" / "names" / "nomenklatura_name_bench_cases.csv"
LOCALES = {
    "ru_RU": "RU", "uk_UA": "UA", "bg_BG": "BG", "cs_CZ": "CZ", "hr_HR": "HR", "sr": "RS",
    "mk_MK": "MK", "ar_AA": "SA", "pl_PL": "PL", "de_DE": "DE", "en_US": "US",
}  # fmt: skip
_SERBIAN = [
    ("lj", "љ"), ("nj", "њ"), ("dž", "џ"), ("Lj", "Љ"), ("Nj", "Њ"), ("Dž", "Џ"),
    *zip("abvgdđežzijklmnoprstćufhcčšABVGDĐEŽZIJKLMNOPRSTĆUFHCČŠ",
         "абвгдђежзијклмнопрстћуфхцчшАБВГДЂЕЖЗИЈКЛМНОПРСТЋУФХЦЧШ", strict=True),
]  # fmt: skip


def serbian_cyrillic(text: str) -> str:
    for latin, cyrillic in _SERBIAN:
        text = text.replace(latin, cyrillic)
    return text


def say(message: str) -> None:
    print(f"[screening bench] {message}", file=sys.stderr, flush=True)


def distractors(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """Persons (2/3) and companies (1/3) spread over the locales, deterministic."""
    fakers = {loc: Faker("hr_HR" if loc == "sr" else loc) for loc in LOCALES}
    for i, f in enumerate(fakers.values()):
        f.seed_instance(seed + i)
    rng = random.Random(seed)
    out = []
    locales = list(LOCALES)
    for i in range(count):
        loc = locales[i % len(locales)]
        f = fakers[loc]
        person = rng.random() < 0.67
        name = f.name() if person else f.company()
        if loc == "sr":
            name = serbian_cyrillic(name)
        out.append({"id": f"d-{i}", "schema": "Person" if person else "Company",
                    "properties": {"name": [name], "country": [LOCALES[loc].lower()]},
                    "datasets": ["distractors"]})  # fmt: skip
    return out


def read_pairs() -> list[dict[str, str]]:
    with PAIRS.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def write_entities(path: Path, entities: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for e in entities:
            f.write(json.dumps(e, ensure_ascii=False) + "\n")


def metrics(predicted: list[bool], truth: list[bool]) -> dict[str, float]:
    tp = sum(p and t for p, t in zip(predicted, truth, strict=True))
    fp = sum(p and not t for p, t in zip(predicted, truth, strict=True))
    fn = sum(t and not p for p, t in zip(predicted, truth, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "tp": tp, "fp": fp, "fn": fn}  # fmt: skip


def quality(directory: Path, count: int) -> dict[str, Any]:
    from followthemoney import model
    from nomenklatura.matching import LogicV2, ScoringConfig

    from enduse.screening.screen import Query, Screener

    pairs = read_pairs()
    # one entity per distinct second name: a list holds an entity once, not once per test pair
    ids = {(p["schema"], p["name2"]): f"pair-{i}" for i, p in reversed(list(enumerate(pairs)))}
    entities = [
        {"id": entity_id, "schema": schema, "properties": {"name": [name]}, "datasets": ["pairs"]}
        for (schema, name), entity_id in ids.items()
    ] + distractors(count)  # fmt: skip
    directory.mkdir(parents=True, exist_ok=True)
    source = directory / "quality.ftm.json"
    write_entities(source, entities)
    started = time.perf_counter()
    load_list(directory, source, "quality")
    say(f"indexed {len(entities)} entities in {time.perf_counter() - started:.1f} s")
    screener = Screener(directory)
    truth = [p["is_match"] == "true" for p in pairs]
    retrieved, direct, missed = [], [], []
    config = ScoringConfig.defaults()
    for i, p in enumerate(pairs):
        hits = screener.screen(Query(p["name1"], None, p["schema"]), threshold=THRESHOLD)
        found = any(h.id == ids[(p["schema"], p["name2"])] for h in hits)
        retrieved.append(found)
        candidate = model.get_proxy(
            {"id": f"pair-{i}", "schema": p["schema"], "properties": {"name": [p["name2"]]}}
        )
        scored = LogicV2.compare(query_entity(p["name1"], p["schema"]), candidate, config).score
        direct.append(scored >= THRESHOLD)
        if scored >= THRESHOLD and not found:
            missed.append([p["name1"], p["name2"], round(scored, 3)])
    screener.close()
    with_retrieval, without = metrics(retrieved, truth), metrics(direct, truth)
    return {
        "pairs": len(pairs), "distractors": count, "threshold": THRESHOLD,
        "screening": with_retrieval, "logic_v2_direct": without,
        "recall_lost_points": round(100 * (without["recall"] - with_retrieval["recall"]), 2),
        "direct_matches_not_retrieved": missed[:20],
    }  # fmt: skip


def peak_rss_mib() -> float:
    """This process's own peak (VmHWM). Not ru_maxrss: Linux carries that across exec, so a
    worker started by the process that built the index would report the builder's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def speed_worker(directory: str, queries_file: str) -> None:
    """Runs in its own process: what one core does, and the memory that alone needs."""
    from followthemoney import model
    from nomenklatura.matching import LogicV2, ScoringConfig

    from enduse.screening.screen import Query, Screener

    queries = json.loads(Path(queries_file).read_text())
    screener = Screener(Path(directory))
    for q in queries[:20]:  # warm up: name tables load once per process
        screener.screen(Query(q["name"], None, q["schema"]))
    latencies = []
    started = time.perf_counter()
    for q in queries:
        t = time.perf_counter()
        screener.screen(Query(q["name"], None, q["schema"]))
        latencies.append(time.perf_counter() - t)
    elapsed = time.perf_counter() - started
    # the baseline: logic-v2 scoring 50 candidates per query (fresh candidates, as from a search)
    config = ScoringConfig.defaults()
    rows = screener.store.fetch(list(range(1, 50 * 40 + 1)))
    candidates = [model.get_proxy(r.data) for r in rows]
    baseline = []
    for i, q in enumerate(queries[:40]):
        probe = query_entity(q["name"], q["schema"])
        t = time.perf_counter()
        for c in candidates[i * 50 : (i + 1) * 50]:
            LogicV2.compare(probe, c, config)
        baseline.append(time.perf_counter() - t)
    latencies.sort()
    print(json.dumps({
        "queries": len(queries), "queries_per_s": round(len(queries) / elapsed, 1),
        "p50_ms": round(1000 * latencies[len(latencies) // 2], 2),
        "p99_ms": round(1000 * latencies[int(len(latencies) * 0.99)], 2),
        "peak_rss_mib": peak_rss_mib(),
        "baseline_ms_per_query": round(1000 * statistics.median(baseline), 2),
    }))  # fmt: skip


def speed(directory: Path, count: int, queries: int) -> dict[str, Any]:
    entities = distractors(count, seed=11)
    directory.mkdir(parents=True, exist_ok=True)
    source = directory / "speed.ftm.json"
    write_entities(source, entities)
    store = ListStore(directory / "lists.sqlite")
    started = time.perf_counter()
    load_list(directory, source, "speed")
    build_s = time.perf_counter() - started
    store.close()
    say(f"loaded and indexed {count} entities in {build_s:.1f} s")
    rng = random.Random(5)
    picked = []
    pairs = read_pairs()
    for i in range(queries):
        if i % 3 == 0:
            p = rng.choice(pairs)
            picked.append({"name": p["name1"], "schema": p["schema"]})
        else:
            e = rng.choice(entities)
            name = e["properties"]["name"][0]
            if i % 3 == 2 and len(name) > 4:  # a typo
                j = rng.randrange(1, len(name) - 1)
                name = name[:j] + name[j + 1 :]
            picked.append({"name": name, "schema": e["schema"]})
    queries_file = directory / "queries.json"
    queries_file.write_text(json.dumps(picked, ensure_ascii=False))
    worker = subprocess.run(
        [sys.executable, __file__, "--worker", str(directory), str(queries_file)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    figures = json.loads(worker.stdout.strip().splitlines()[-1])
    per_query_s = 1 / figures["queries_per_s"]
    return {
        "entities": count, "load_and_index_s": round(build_s, 1), **figures,
        "baseline": "nomenklatura logic-v2 scoring yente's default 50 candidates per query",
        "ratio": round(per_query_s * 1000 / figures["baseline_ms_per_query"], 2),
        "target_queries_per_s": 40, "target_rss_mib": 2048,
        "meets_target": figures["queries_per_s"] >= 40 and figures["peak_rss_mib"] <= 2048,
    }  # fmt: skip


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        speed_worker(sys.argv[2], sys.argv[3])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--distractors", type=int, default=100_000)
    parser.add_argument("--entities", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--skip-speed", action="store_true")
    args = parser.parse_args()
    result: dict[str, Any] = {"bench": "screening"}
    with tempfile.TemporaryDirectory() as tmp:
        result["quality"] = quality(Path(tmp) / "quality", args.distractors)
        say(
            f"quality: {result['quality']['screening']} vs direct {result['quality']['logic_v2_direct']}"
        )
        if not args.skip_speed:
            result["speed"] = speed(Path(tmp) / "speed", args.entities, args.queries)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
