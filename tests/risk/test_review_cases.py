"""Cases a review found: optional fields, denied sightings, DVCs naming no shipment, ended licences,
merged findings, neighbourhoods, and traces through several states."""

from __future__ import annotations

import copy
import json
from datetime import date

from enduse.risk.config import load_config
from enduse.risk.engine import evaluate
from enduse.risk.facts import facts_from_bundle
from enduse.risk.scope import case_subjects
from enduse.risk.trace import trace_licence
from enduse.scenarios import scenario_text

SEED = json.loads(scenario_text())
DAY = date(2025, 9, 1)


def run(bundle):  # type: ignore[no-untyped-def]
    return evaluate(facts_from_bundle(bundle), load_config(), DAY)


def found(bundle) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return {(f.rule, f.subject_id) for f in run(bundle)}


def seed():  # type: ignore[no-untyped-def]
    return copy.deepcopy(SEED)


def test_optional_control_entry_does_not_crash_c3():
    b = seed()
    b["parties"][2]["name"] = "Border Police Directorate"
    del b["eucs"][1]["items"][0]["control_entry"]
    run(b)


def test_a_denied_sighting_is_no_evidence():
    b = seed()
    b["observations"][1]["status"] = "denied"
    assert not {("G5", "RS-2025-0131"), ("G6", "RS-2025-0131")} & found(b)


def test_a_dvc_naming_no_shipment_still_certifies_it():
    b = seed()
    del b["delivery_verifications"][0]["shipment_id"]
    assert ("G1", "SH-2025-0002") not in found(b)
    b["delivery_verifications"][0]["issuing_authority"] = "CZ-CUSTOMS"
    assert ("G3", "SH-2025-0002") in found(b)


def test_an_ended_licence_keeps_what_it_shipped_against_its_euc():
    b = seed()
    b["licences"][1]["status"] = "expired"
    b["licences"].append(
        {**copy.deepcopy(b["licences"][1]), "licence_number": "RS-2025-0999", "status": "issued"}
    )
    assert ("A1", "BG-MOD:BG-MOD-2025-0310") in found(b)


def test_inventories_add_up_and_one_without_calibres_cannot_clear_or_condemn():
    b = seed()
    b["inventories"].append(
        {"holder": "p-army-bg", "as_of": "2025-06-01", "calibres": ["5.45x39mm"]}
    )
    assert ("C1", "RS-2025-0131") not in found(b)  # the artillery inventory still counts
    b = seed()
    b["inventories"][1] = {"holder": "p-army-bg", "systems": ["BM-21 Grad"]}
    c1 = [f for f in run(b) if f.rule == "C1" and f.subject_id == "RS-2025-0131"]
    assert [f.severity for f in c1] == ["low"]


def test_an_embargo_starting_before_a_pending_application_blocks_it():
    b = seed()
    b["embargoes"].append(
        {"target_state": "BG", "regime": "UN", "scope": "all", "from": "2025-06-01", "source": "t"}
    )
    b["licences"].append(
        {**copy.deepcopy(b["licences"][1]), "licence_number": "RS-2025-0500", "status": "applied"}
    )
    for key in ("date_of_decision", "valid_from", "valid_until"):
        b["licences"][-1].pop(key)
    f1 = [f for f in run(b) if f.rule == "F1"]
    assert [(f.subject_id, f.blocks) for f in f1] == [("RS-2025-0500", True)]


def test_two_embargoes_on_one_state_are_one_finding():
    b = seed()
    for regime in ("EU", "UN"):
        b["embargoes"].append(
            {
                "target_state": "BG",
                "regime": regime,
                "scope": "all",
                "from": "2020-01-01",
                "source": "t",
            }
        )
    f1 = [f for f in run(b) if f.rule == "F1"]
    assert len(f1) == 1 and len(f1[0].evidence["more"]) == 1


def test_shipments_on_lines_the_licence_lacks_and_dvcs_that_miss_a_lot():
    b = seed()
    b["shipments"][1]["items"].append({"licence_line": 9, "quantity": 5000})
    assert ("D5", "SH-2025-0002") in found(b)
    b = seed()
    b["delivery_verifications"][0]["items"][0]["lots"] = ["OTHER-LOT"]
    g2 = [f for f in run(b) if f.rule == "G2"]
    assert g2 and "not certified: SM-122-25-007" in g2[0].message


def test_an_approval_for_other_lots_or_a_later_date_does_not_excuse_g6():
    b = seed()
    b["reexport_requests"] = [{"request_id": "RX-1", "request_type": "re_export", "requesting_party": "p-army-bg",
                               "original_licence": "RS-2025-0131", "proposed_destination": "UA",
                               "items": [{"licence_line": 1, "quantity": 10, "lots": ["SM-122-25-999"]}],
                               "decision": {"outcome": "approved", "date": "2025-05-01", "by": "RS-EXPORT"}}]  # fmt: skip
    assert ("G6", "RS-2025-0131") in found(b)
    b["reexport_requests"][0]["items"][0]["lots"] = ["SM-122-25-007"]
    b["reexport_requests"][0]["decision"]["date"] = "2025-08-20"  # after the goods moved
    assert ("G6", "RS-2025-0131") in found(b)


def test_receiving_intermediaries_and_refused_orders():
    b = seed()
    b["eucs"][0]["intermediaries"].append({"party": "p-carrier", "role": "consignee"})
    b["shipments"][0]["consignee"] = "p-carrier"
    assert ("E2", "SH-2025-0001") not in found(b)
    b = seed()
    b["inventories"][1]["annual_need"] = {"122mm": 10000}
    b["licences"].append(
        {**copy.deepcopy(b["licences"][1]), "licence_number": "RS-2025-0600", "status": "refused"}
    )
    assert ("D2", "RS-2025-0131") not in found(b)


def test_a_lower_case_purpose_is_not_a_system():
    b = seed()
    b["inventories"][1]["systems"] = ["BM-21 Grad"]
    b["eucs"][1]["items"][0]["description"] = (
        "122 mm rockets for training of rocket artillery units"
    )
    assert ("C2", "RS-2025-0131") not in found(b)


def test_the_neighbourhood_sees_a_partys_roles_anywhere():
    b = seed()
    b["shipments"][0]["consignee"] = "p-carrier"  # on another licence's shipment
    b["parties"][5]["kind"] = "freight_forwarder"
    facts = facts_from_bundle(b)
    whole = {(f.rule, f.subject_id) for f in evaluate(facts, load_config(), DAY)}
    scope = case_subjects(facts, licence="RS-2025-0131")
    local = {(f.rule, f.subject_id) for f in evaluate(facts.around("RS-2025-0131"), load_config(), DAY)
             if (f.subject_type, f.subject_id) in scope}  # fmt: skip
    assert local == {x for x in whole if x in {(r, i) for r, i in local} or ("party", x[1]) in scope
                     or ("licence", x[1]) in scope or ("shipment", x[1]) in scope or ("euc", x[1]) in scope}  # fmt: skip
    assert ("B3", "p-carrier") in local


def test_traces_through_several_states_undated_approvals_and_arrivals_only():
    b = seed()
    b["observations"][1].update(via_states=["RO"])
    path = trace_licence(facts_from_bundle(b), "RS-2025-0131")["paths"][0]
    assert path["effective_destination"] == "UA" and [h["to"] for h in path["hops"]][-2:] == [
        "RO",
        "UA",
    ]
    b = seed()
    b["observations"][1].pop("from_state")
    assert (
        trace_licence(facts_from_bundle(b), "RS-2025-0131")["paths"][0]["effective_destination"]
        == "UA"
    )
    b = seed()
    b["observations"] = []
    b["reexport_requests"] = [{"request_id": "RX-1", "request_type": "re_export", "requesting_party": "p-army-bg",
                               "original_licence": "RS-2025-0131", "proposed_destination": "PL",
                               "items": [{"licence_line": 1, "quantity": 10, "lots": ["SM-122-25-007"]}],
                               "decision": {"outcome": "approved"}}]  # fmt: skip
    assert trace_licence(facts_from_bundle(b), "RS-2025-0131")["paths"][0]["final_state"] == "PL"


def test_back_and_forth_sightings_do_not_explode():
    b = seed()
    b["observations"] = [
        {"id": f"o{i}", "kind": "trace", "date": f"2025-06-{i + 1:02d}", "from_state": "BG" if i % 2 == 0 else "RO",
         "to_state": "RO" if i % 2 == 0 else "BG", "source": "t", "status": "confirmed",
         "items": [{"description": "rockets", "lots": ["SM-122-25-007"]}]}
        for i in range(25)
    ]  # fmt: skip
    paths = trace_licence(facts_from_bundle(b), "RS-2025-0131")["paths"]
    assert 1 <= len(paths) <= 100
