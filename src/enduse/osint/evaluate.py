"""How well extraction matches gold annotations: precision, recall and F1 for (supplier,
recipient) pairs and for intermediaries, and the accuracy of status and claimant on the
pairs both found.

Gold files (`NN-slug.gold.json` beside `NN-slug.txt`) hold the CLI's JSON shape, with
claimants and deniers as lists of accepted surface forms ("Foreign Intelligence Service",
"SVR"). A claimant counts as right when the first one extracted matches a form of any gold
claimant (case-insensitive, one containing the other); no gold claimant is right when
none was extracted.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from enduse.scenarios import scenario_text


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, found: set[Any], gold: set[Any]) -> None:
        self.tp += len(found & gold)
        self.fp += len(found - gold)
        self.fn += len(gold - found)

    def figures(self) -> dict[str, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f1, 3),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}  # fmt: skip


@dataclass
class Score:
    pairs: Counts = field(default_factory=Counts)
    intermediaries: Counts = field(default_factory=Counts)
    status_right: int = 0
    claimant_right: int = 0
    matched: int = 0
    reports: int = 0
    mistakes: list[dict[str, Any]] = field(default_factory=list)

    def figures(self) -> dict[str, Any]:
        return {
            "reports": self.reports,
            "pairs": self.pairs.figures(),
            "intermediaries": self.intermediaries.figures(),
            "status_accuracy": round(self.status_right / self.matched, 3) if self.matched else None,
            "claimant_accuracy": round(self.claimant_right / self.matched, 3) if self.matched else None,
            "matched_pairs": self.matched,
        }  # fmt: skip


def _norm(text: str) -> str:
    text = text.lower().replace("’", "'").strip()
    for lead in ("the ", "a "):
        if text.startswith(lead):
            text = text[len(lead) :]
    return text


def claimant_matches(found: str, gold_forms: list[list[str]]) -> bool:
    f = _norm(found)
    return any(
        f == g or (len(f) > 2 and f in g) or (len(g) > 2 and g in f)
        for forms in gold_forms
        for g in map(_norm, forms)
    )


def score_report(found: list[dict[str, Any]], gold: list[dict[str, Any]], score: Score,
                 name: str = "") -> None:  # fmt: skip
    score.reports += 1
    f_pairs = {(t["supplier_country"], t["recipient_country"]): t for t in found}
    g_pairs = {(t["supplier_country"], t["recipient_country"]): t for t in gold
               if t["supplier_country"] and t["recipient_country"]}  # fmt: skip
    score.pairs.add(set(f_pairs), set(g_pairs))
    for key in set(f_pairs) - set(g_pairs):
        score.mistakes.append({"report": name, "pair": key, "error": "spurious"})
    for key in set(g_pairs) - set(f_pairs):
        score.mistakes.append({"report": name, "pair": key, "error": "missed"})
    f_via = {(k, v) for k, t in f_pairs.items() for v in t["intermediary_countries"]}
    g_via = {(k, v) for k, t in g_pairs.items() for v in t["intermediary_countries"]}
    score.intermediaries.add(f_via, g_via)
    for key in sorted(set(f_pairs) & set(g_pairs)):
        f, g = f_pairs[key], g_pairs[key]
        score.matched += 1
        if f["status"] == g["status"]:
            score.status_right += 1
        else:
            score.mistakes.append({"report": name, "pair": key, "error": "status",
                                   "found": f["status"], "gold": g["status"]})  # fmt: skip
        gold_claimants = g.get("claimants") or []
        right = (
            claimant_matches(f["claimants"][0], gold_claimants)
            if f["claimants"] and gold_claimants
            else not f["claimants"] and not gold_claimants
        )
        score.claimant_right += right
        if not right:
            score.mistakes.append({"report": name, "pair": key, "error": "claimant",
                                   "found": f["claimants"][:2],
                                   "gold": [c[0] for c in gold_claimants]})  # fmt: skip
        if set(f["intermediary_countries"]) != set(g["intermediary_countries"]):
            score.mistakes.append({"report": name, "pair": key, "error": "via",
                                   "found": f["intermediary_countries"],
                                   "gold": g["intermediary_countries"]})  # fmt: skip


def evaluate(directory: Path, extract_json: Callable[[str], list[dict[str, Any]]]) -> Score:
    score = Score()
    for gold_file in sorted(directory.glob("*.gold.json")):
        gold = json.loads(gold_file.read_text("utf-8"))
        name = gold["file"]
        if name.startswith("scenario:"):  # the seed article ships with enduse
            text = scenario_text(name.removeprefix("scenario:"))
        else:
            text = (directory / name).read_text("utf-8")
        score_report(extract_json(text), gold["transfers"], score, gold["file"])
    return score
