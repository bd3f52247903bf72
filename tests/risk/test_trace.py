"""Tracing: a licence's goods to where they ended up, a lot back to where it came from."""

from __future__ import annotations

import copy
import json

from enduse.risk.facts import facts_from_bundle
from enduse.risk.trace import trace_licence, trace_mark
from enduse.scenarios import scenario_text

SEED = json.loads(scenario_text())


def test_the_rockets_are_traced_to_ukraine_hop_by_hop():
    result = trace_licence(facts_from_bundle(copy.deepcopy(SEED)), "RS-2025-0131")
    (path,) = result["paths"]
    assert [(h["from"], h["to"], h["how"]) for h in path["hops"]] == [
        ("RS", "BG", "shipment"), ("BG", "BG", "delivery"), ("BG", "UA", "trace"),
    ]  # fmt: skip
    assert path["hops"][-1]["record"] == "observation:obs-trace-1"
    assert path["effective_destination"] == "UA" and path["declared_destination"] == "BG"


def test_goods_that_stayed_have_no_effective_destination():
    result = trace_licence(facts_from_bundle(copy.deepcopy(SEED)), "RS-2025-0107")
    assert [p["final_state"] for p in result["paths"]] == ["CZ"]
    assert "effective_destination" not in result["paths"][0]


def test_an_observation_before_the_shipment_is_no_hop_and_an_approved_reexport_is():
    bundle = copy.deepcopy(SEED)
    bundle["observations"][1]["date"] = "2025-04-01"  # seen before it was shipped: not these goods
    assert (
        "effective_destination"
        not in trace_licence(facts_from_bundle(bundle), "RS-2025-0131")["paths"][0]
    )
    bundle = copy.deepcopy(SEED)
    bundle["observations"] = []
    bundle["reexport_requests"] = [{
        "request_id": "RX-1", "request_type": "re_export", "requesting_party": "p-army-bg",
        "original_licence": "RS-2025-0131", "items": [{"licence_line": 1, "quantity": 100, "lots": ["SM-122-25-007"]}],
        "proposed_destination": "PL", "decision": {"outcome": "approved", "date": "2025-05-01", "by": "RS-EXPORT"},
    }]  # fmt: skip
    path = trace_licence(facts_from_bundle(bundle), "RS-2025-0131")["paths"][0]
    assert path["hops"][-1]["how"] == "reexport" and path["final_state"] == "PL"


def test_a_lot_is_traced_back_to_its_licence_and_euc():
    result = trace_mark(facts_from_bundle(copy.deepcopy(SEED)), "SM-122-25-007")
    (origin,) = result["origins"]
    assert (origin["licence"], origin["euc"], origin["exporter"]) == (
        "RS-2025-0131", "BG-MOD:BG-MOD-2025-0310", "p-exporter",
    )  # fmt: skip
    assert [o["to_state"] for o in result["observed"]] == ["UA"]
    assert [d["dvc"] for d in result["certified"]] == ["BG-DVC-2025-0091"]
    nothing = trace_mark(facts_from_bundle(copy.deepcopy(SEED)), "NOPE")
    assert nothing == {
        "mark": "NOPE",
        "origins": [],
        "certified": [],
        "reexports": [],
        "observed": [],
    }


def test_the_record_graph_links_a_licence_to_where_its_lot_was_seen():
    import networkx as nx

    from enduse.risk.trace import record_graph

    g = record_graph(facts_from_bundle(copy.deepcopy(SEED)))
    path = nx.shortest_path(g, "licence:RS-2025-0131", "state:UA")
    assert path == ["licence:RS-2025-0131", "shipment:SH-2025-0002", "lot:SM-122-25-007",
                    "observation:obs-trace-1", "state:UA"]  # fmt: skip
    assert g.nodes["party:p-broker"]["kind"] == "party"
    assert not nx.has_path(g, "licence:RS-2025-0107", "state:UA")
