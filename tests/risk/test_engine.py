"""The seed scenario's red flags, as the issue names them, and nothing on its clean parts (both databases)."""

from __future__ import annotations

import copy
import json
from datetime import date

import pytest

from enduse.risk.config import load_config
from enduse.risk.engine import evaluate, report
from enduse.risk.facts import load_facts
from enduse.risk.findings import RULES
from enduse.risk.scope import case_subjects
from enduse.scenarios import scenario_text
from enduse.workflow.imports import record_bundle

SEED = json.loads(scenario_text())
DAY = date(2025, 7, 1)


def facts_of(session, bundle):  # type: ignore[no-untyped-def]
    record_bundle(session, bundle)
    session.commit()
    return load_facts(session)


@pytest.fixture
def seed_facts(session):
    return facts_of(session, copy.deepcopy(SEED))


def found(findings) -> set[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return {(f.rule, f.subject_type, f.subject_id) for f in findings}


def test_the_seed_scenario_red_flags(seed_facts):
    findings = evaluate(seed_facts, load_config(), DAY)
    assert {
        ("C1", "licence", "RS-2025-0107"),
        ("B3", "party", "p-forwarder"),
        ("B5", "party", "p-broker"),
        ("B6", "party", "p-broker"),
        ("G1", "shipment", "SH-2025-0001"),
        ("G6", "licence", "RS-2025-0131"),
    } <= found(findings)
    clean = {"p-exporter", "p-army-cz", "p-army-bg", "p-carrier", "SH-2025-0002"}
    assert not [f for f in findings if f.subject_id in clean]
    c1 = next(f for f in findings if f.rule == "C1")
    assert [line["calibre"] for line in c1.evidence["lines"]] == ["152mm", "7.62x39mm"]
    assert "155mm" in c1.evidence["inventory"]["calibres"]
    g6 = next(f for f in findings if f.rule == "G6")
    assert g6.evidence["lots"] == ["SM-122-25-007"] and g6.evidence["to_state"] == "UA"
    assert g6.evidence["reexport_clause"] == {"kind": "prohibited"}


def test_an_approved_reexport_clears_g6_and_a_dvc_clears_g1(session):
    bundle = copy.deepcopy(SEED)
    bundle["reexport_requests"] = [{
        "request_id": "RX-1", "request_type": "re_export", "requesting_party": "p-army-bg",
        "original_licence": "RS-2025-0131", "items": [{"licence_line": 1, "quantity": 12000}],
        "proposed_destination": "UA", "decision": {"outcome": "approved", "date": "2025-06-01", "by": "RS-EXPORT"},
    }]  # fmt: skip
    bundle["delivery_verifications"].append({
        "dvc_number": "CZ-DVC-1", "issuing_authority": "CZ-CUSTOMS", "licence_number": "RS-2025-0107",
        "shipment_id": "SH-2025-0001", "arrival_date": "2025-04-12",
        "items": [{"licence_line": 1, "quantity": 15000}],
    })  # fmt: skip
    rules = {f.rule for f in evaluate(facts_of(session, bundle), load_config(), DAY)}
    assert "G6" not in rules and "G1" not in rules


def test_the_report_scores_subjects_and_a_case_keeps_its_own(seed_facts):
    findings = evaluate(seed_facts, load_config(), DAY)
    result = report(findings)
    scores = {(s["type"], s["id"]): s["score"] for s in result["subjects"]}
    assert scores[("party", "p-broker")] == 14  # B5 medium (4) + B6 high (10)
    # C1 high (10) + G7 high (10): the scenario's open-source report names CZ, its destination
    assert scores[("licence", "RS-2025-0107")] == 20
    assert {"rule", "severity", "subject", "message", "evidence"} <= set(result["findings"][0])
    scope = case_subjects(seed_facts, licence="RS-2025-0131")
    mine = {(f.rule, f.subject_id) for f in findings if (f.subject_type, f.subject_id) in scope}
    assert ("G6", "RS-2025-0131") in mine and ("C1", "RS-2025-0107") not in mine
    assert ("B6", "p-broker") in mine  # the broker is on this case's EUC too


def test_every_rule_has_a_rationale_and_a_subject_from_domain_md():
    subjects = {"A": "euc", "B": "party", "F5": "party", "C": "licence", "D1": "licence",
                "D2": "licence", "G5": "licence", "G6": "licence", "G1": "shipment"}  # fmt: skip
    for rule_id, r in RULES.items():
        assert r.rationale, rule_id
        expected = subjects.get(rule_id) or subjects.get(rule_id[0])
        assert expected is None or r.subject == expected, rule_id


def test_a_licence_evaluated_on_its_own_neighbourhood_finds_what_the_whole_registry_does(
    seed_facts,
):
    whole = evaluate(seed_facts, load_config(), DAY)
    for number in seed_facts.licences:
        scope = case_subjects(seed_facts, licence=number)
        near = seed_facts.around(number)
        local = evaluate(near, load_config(), DAY)
        assert found(f for f in local if (f.subject_type, f.subject_id) in scope) == found(
            f for f in whole if (f.subject_type, f.subject_id) in scope
        )
        assert len(near.licences) <= len(seed_facts.licences)
