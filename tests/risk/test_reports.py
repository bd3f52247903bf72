"""G7: an open-source report's allegation linked to the licences it concerns."""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

from enduse.risk.config import load_config
from enduse.risk.engine import evaluate
from enduse.risk.facts import facts_from_bundle
from enduse.risk.rules.reports import goods_overlap, time_overlap
from enduse.scenarios import scenario_text

SEED = json.loads(scenario_text())
DAY = date(2025, 7, 1)


def g7(bundle: dict[str, Any]) -> dict[str, Any]:
    found = evaluate(facts_from_bundle(bundle), load_config(), DAY)
    return {f.subject_id: f for f in found if f.rule == "G7"}


def with_report(**fields: Any) -> dict[str, Any]:
    bundle = copy.deepcopy(SEED)
    report = {"id": "obs-report", "kind": "open_source_report", "date": "2025-04-01",
              "from_state": "RS", "to_state": "UA", "via_states": [], "source": "a test report",
              "status": "alleged", "items": [{"description": "artillery shells", "category": "ML3"}]}  # fmt: skip
    report.update(fields)
    bundle["observations"] = [report]
    return bundle


def test_a_named_intermediary_that_is_a_licences_destination_is_a_high_finding():
    found = g7(with_report(via_states=["CZ"], evidence=["Shells went to Ukraine through Czechia."],
                           claimants=["SVR"], report_status="alleged"))  # fmt: skip
    assert set(found) == {"RS-2025-0107"}  # the Czech end user's licence; not the Bulgarian one
    finding = found["RS-2025-0107"]
    assert finding.severity == "high" and finding.evidence["named"] is True
    assert finding.evidence["evidence"] == ["Shells went to Ukraine through Czechia."]
    assert finding.evidence["claimants"] == ["SVR"] and finding.evidence["destination"] == "CZ"


def test_unnamed_intermediaries_concern_every_licence_of_the_supplier_to_a_third_state():
    both = [
        {"description": "shells", "category": "ML3"},
        {"description": "rockets", "category": "ML4"},
    ]
    found = g7(with_report(via_unnamed=True, items=both))
    assert set(found) == {
        "RS-2025-0107",
        "RS-2025-0131",
    }  # 152 mm shells to CZ, 122 mm rockets to BG
    assert set(g7(with_report(via_unnamed=True))) == {"RS-2025-0107"}  # shells only
    assert {f.severity for f in found.values()} == {"medium"}
    assert g7(with_report()) == {}  # no intermediaries at all: a direct transfer, nobody's EUC


def test_what_went_nowhere_or_was_denied_raises_nothing():
    for fields in ({"report_status": "planned"}, {"report_status": "not_delivered"},
                   {"status": "denied", "report_status": "denied"}):  # fmt: skip
        assert g7(with_report(via_states=["CZ", "BG"], **fields)) == {}, fields


def test_goods_and_time_must_match():
    rifles = [{"description": "assault rifles", "category": "ML1"}]
    assert g7(with_report(via_states=["CZ", "BG"], items=rifles)) == {}
    assert (
        g7(with_report(via_states=["CZ"], date="2024-01-01", reported="2024-06-02")) == {}
    )  # before
    assert set(g7(with_report(via_states=["CZ"], items=[]))) == {"RS-2025-0107"}  # "arms"


def test_goods_overlap_by_calibre_or_category():
    declared = [{"calibre": "152mm", "control_entry": "ML3.a"}]
    assert goods_overlap([{"calibre": "152 mm"}], declared)
    assert goods_overlap([{"category": "ML3"}], declared)
    assert not goods_overlap([{"calibre": "155mm", "category": "ML4"}], declared)
    assert goods_overlap([{"category": "ML3"}], [{"control_entry": "ml3a"}])  # as import spells it
    assert goods_overlap([{"description": "arms"}], declared)


def test_time_overlap_spans_the_alleged_period_to_the_report():
    licence = {"valid_from": "2025-03-01", "valid_until": "2025-12-31"}
    assert time_overlap({"date": "2023-01-01", "reported": "2025-06-01"}, licence, DAY)
    assert not time_overlap({"date": "2023-01-01", "reported": "2024-06-01"}, licence, DAY)
    assert time_overlap({"date": "2026-02-01"}, licence, DAY)  # diverted after it expired
    assert not time_overlap({"date": "2010-01-01", "reported": "2010-02-01"},
                            {"date_of_decision": "2025-01-10"}, DAY)  # fmt: skip
    assert time_overlap({"date": "2025-04-01"}, {}, DAY)


def test_a_configured_severity_keeps_named_above_unnamed():
    from enduse.risk.rules.reports import alleged_in_open_source, links, tiers

    assert tiers({}) == ("high", "medium")
    assert tiers({"severity": "low"}) == ("low", "low")
    assert tiers({"severity": "medium", "unnamed_severity": "low"}) == ("medium", "low")
    both = [{"description": "shells", "category": "ML3"}]
    facts = facts_from_bundle(with_report(via_states=["CZ"], items=both))
    found = list(alleged_in_open_source(facts, {"severity": "low"}, DAY))
    assert {f.severity for f in found} == {"low"}
    assert {x["severity"] for x in links(found, {"obs-report"}, {"severity": "low"})} == {"low"}
