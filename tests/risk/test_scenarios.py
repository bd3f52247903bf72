"""The scenario generator: valid bundles, and every rule finds exactly its injected patterns."""

from __future__ import annotations

import json
from datetime import date

from enduse.domain.bundle import load_bundle_text
from enduse.risk.config import load_config
from enduse.risk.engine import evaluate
from enduse.risk.facts import facts_from_bundle
from enduse.risk.scenarios import PATTERNS, generate


def test_generated_scenarios_are_valid_and_their_truth_is_found_exactly():
    bundle, truth = generate(len(PATTERNS) * 4, seed=5, clean_share=0.2)
    extras = {k: bundle.pop(k) for k in ("screenings", "risk_config")}
    assert not load_bundle_text(json.dumps(bundle)).warnings
    bundle.update(extras)
    config = load_config()
    config.update(extras["risk_config"])
    assert {rule for rule, _, _ in truth} == set(PATTERNS)
    found = {(f.rule, f.subject_type, f.subject_id)
             for f in evaluate(facts_from_bundle(bundle), config, date(2025, 7, 1))}  # fmt: skip
    assert found == truth


def test_clean_cases_raise_nothing_and_generation_is_repeatable():
    bundle, truth = generate(50, seed=9, clean_share=1.0)
    assert truth == set()
    assert evaluate(facts_from_bundle(bundle), load_config(), date(2025, 7, 1)) == []
    assert generate(30, seed=2) == generate(30, seed=2)
