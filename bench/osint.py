"""Open-source report extraction: quality against gold annotations, and speed on one core.

Quality: `enduse.osint.extract` over the evaluation sets in tests/osint/reports, scored by
`enduse.osint.evaluate`: precision, recall and F1 of (supplier, recipient) pairs and of
intermediaries, accuracy of status and of claimant on the pairs found. Two totals:
`development` (`dev` ... `dev14` and the seed article: each set was scored once before use,
then its mistakes were read and rules written for them, so these figures are in-sample) and
`held_out_sets` (`held_out` ... `held_out4`: written independently, their mistakes never
read): the held-out figure is the one to expect on new reports. Target: pairs F1 >= 0.85.

Speed: the reports' paragraphs are dealt into documents of 500 words; extraction runs over
them in blocks on one core (this process), reports/s = 1 / the median time per document
of the best block (the machine is shared). Target >= 50 reports/s of 500 words.

Baseline: the same documents split into sentences and scanned for states' names only
(`split_sentences` + `country_mentions`, the least any extraction must do); ratio = the
extraction's time per document / the baseline's.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

from enduse.osint.evaluate import Counts, Score, evaluate
from enduse.osint.extract import extract
from enduse.osint.gazetteer import country_mentions
from enduse.osint.sentences import split_sentences

HERE = Path(__file__).resolve().parent
REPORTS = HERE.parent / "tests" / "osint" / "reports"
DEVELOPMENT = ("dev", *(f"dev{n}" for n in range(2, 15)), "seed")
HELD_OUT = ("held_out", "held_out2", "held_out3", "held_out4")
SETS = (*DEVELOPMENT, *HELD_OUT)
WORDS = 500
BLOCKS = 7
TARGET_F1 = 0.85
TARGET_RATE = 50


def as_json(text: str) -> list[dict]:
    return [t.as_dict() for t in extract(text)]


def _add(total: Score, score: Score) -> None:
    for part in ("pairs", "intermediaries"):
        mine, all_ = getattr(score, part), getattr(total, part)
        setattr(total, part, Counts(all_.tp + mine.tp, all_.fp + mine.fp, all_.fn + mine.fn))
    total.status_right += score.status_right
    total.claimant_right += score.claimant_right
    total.matched += score.matched
    total.reports += score.reports


def quality() -> dict[str, dict]:
    out: dict[str, dict] = {}
    totals = {"development": Score(), "held_out_sets": Score(), "all": Score()}
    for name in SETS:
        directory = REPORTS / name
        if not directory.is_dir():
            continue
        score = evaluate(directory, as_json)
        out[name] = score.figures()
        _add(totals["held_out_sets" if name in HELD_OUT else "development"], score)
        _add(totals["all"], score)
    for name, total in totals.items():
        out[name] = total.figures()
    return out


def documents() -> list[str]:
    """Paragraphs of every report, dealt into documents of about 500 words."""
    paragraphs = [
        p
        for name in SETS
        for f in sorted((REPORTS / name).glob("*.txt"))
        for p in f.read_text("utf-8").split("\n\n")
        if p.strip()
    ]
    docs, current, words = [], [], 0
    for p in paragraphs * 3:
        current.append(p)
        words += len(p.split())
        if words >= WORDS:
            docs.append("\n\n".join(current))
            current, words = [], 0
    return docs


def per_document(work, docs: list[str]) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    for d in docs:
        work(d)
    return (time.perf_counter() - start) / len(docs)


def baseline_work(text: str) -> None:
    for s in split_sentences(text):
        country_mentions(s.text)


def main() -> None:
    figures = quality()
    docs = documents()
    extract(docs[0])  # compiled patterns, loaded tables
    ours = [per_document(extract, docs) for _ in range(BLOCKS)]
    base = [per_document(baseline_work, docs) for _ in range(BLOCKS)]
    best, best_base = min(ours), min(base)
    rate = 1 / best
    pairs_f1 = figures["held_out_sets"]["pairs"]["f1"]
    print(json.dumps({
        "bench": "osint_extract",
        "reports_per_s": round(rate, 1),
        "ms_per_report": round(best * 1e3, 2),
        "ms_per_report_median_blocks": round(statistics.median(ours) * 1e3, 2),
        "words_per_report": WORDS,
        "documents": len(docs),
        "quality": figures,
        "baseline": {"what": "split_sentences + country_mentions over the same documents, one core",
                     "ms_per_report": round(best_base * 1e3, 3)},
        "ratio": round(best / best_base, 2),
        "ratio_means": "extraction time / baseline time per 500-word document",
        "target": {"pairs_f1_held_out": TARGET_F1, "reports_per_s": TARGET_RATE},
        "met": pairs_f1 >= TARGET_F1 and rate >= TARGET_RATE,
        "python": sys.version.split()[0],
    }))  # fmt: skip


if __name__ == "__main__":
    main()
