"""Scores against gold annotations: pairs, intermediaries, status and claimant."""

from __future__ import annotations

import json
from pathlib import Path

from enduse.osint.evaluate import Score, claimant_matches, evaluate, score_report


def t(s: str, r: str, via: list[str] | None = None, status: str = "alleged", claimants=None):  # type: ignore[no-untyped-def]
    return {"supplier_country": s, "recipient_country": r, "intermediary_countries": via or [],
            "status": status, "claimants": claimants if claimants is not None else []}  # fmt: skip


def test_pairs_intermediaries_status_and_claimant_are_counted():
    score = Score()
    gold = [
        t("RS", "UA", ["CZ", "PL"], claimants=[["Foreign Intelligence Service", "SVR"]]),
        t("IR", "RU"),
    ]
    found = [t("RS", "UA", ["CZ"], "confirmed", ["the SVR"]), t("RU", "RS")]
    score_report(found, gold, score)
    figures = score.figures()
    assert figures["pairs"] == {
        "precision": 0.5,
        "recall": 0.5,
        "f1": 0.5,
        "tp": 1,
        "fp": 1,
        "fn": 1,
    }
    assert figures["intermediaries"]["tp"] == 1 and figures["intermediaries"]["fn"] == 1
    assert figures["status_accuracy"] == 0.0 and figures["claimant_accuracy"] == 1.0
    assert {m["error"] for m in score.mistakes} == {"spurious", "missed", "status", "via"}


def test_claimant_forms_match_either_way_and_ignore_case():
    gold = [["Russia's Foreign Intelligence Service", "SVR"]]
    assert claimant_matches("Russia's Foreign Intelligence Service (SVR)", gold)
    assert claimant_matches("svr", gold)
    assert not claimant_matches("Kremlin", gold)


def test_evaluate_reads_gold_files(tmp_path: Path):
    (tmp_path / "a.txt").write_text("Serbian arms makers supplied shells to Ukraine.", "utf-8")
    (tmp_path / "a.gold.json").write_text(
        json.dumps({"file": "a.txt", "transfers": [t("RS", "UA")]})
    )
    score = evaluate(tmp_path, lambda text: [t("RS", "UA")] if "Serbian" in text else [])
    assert score.figures()["pairs"]["f1"] == 1.0 and score.reports == 1
