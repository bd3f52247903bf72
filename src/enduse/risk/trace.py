"""Where did a licence's goods go, and where did a lot come from: paths with the evidence of each hop.

The registry and the observations become one directed graph (networkx): a
licence leads to its shipments, a shipment carries lots and serials and moves
along its route, a DVC certifies an arrival, an approved re-export moves goods
on, and an observation that saw a lot or serial moves it from one state to
another. Following a licence's marks through that graph gives each path of
its goods hop by hop; the last state a path reaches is where the goods
effectively ended up, and is named when it differs from the declared one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import networkx as nx

from enduse.risk.facts import Facts, marks_of


@dataclass(frozen=True)
class Hop:
    from_state: str
    to_state: str
    how: str  # "shipment", "delivery", "reexport", or an observation kind
    record: str  # "shipment:SH-1", "observation:obs-trace-1", ...
    date: str | None
    marks: tuple[str, ...] = ()
    evidence: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"from": self.from_state, "to": self.to_state, "how": self.how, "record": self.record,
                "date": self.date, "marks": list(self.marks), "evidence": self.evidence}  # fmt: skip


def movement_graph(facts: Facts) -> nx.MultiDiGraph:
    """States as nodes; every recorded or observed movement of goods as an edge with its hop."""
    graph = nx.MultiDiGraph()
    for sid, s in facts.shipments.items():
        route, marks = s.get("route", []), tuple(sorted(marks_of(s.get("items", []))))
        for a, b in pairwise(route):
            graph.add_edge(a, b, hop=Hop(a, b, "shipment", f"shipment:{sid}", s["date"], marks,
                                         {"licence": s["licence_number"], "route": route}))  # fmt: skip
    for rid, r in facts.reexports.items():
        decision = r.get("decision") or {}
        if decision.get("outcome") in ("approved", "approved_with_conditions"):
            licence = facts.licences.get(r["original_licence"])
            euc = facts.euc_of(licence) if licence else None
            if euc:
                a, b = euc["country_of_final_destination"], r["proposed_destination"]
                graph.add_edge(a, b, hop=Hop(a, b, "reexport", f"reexport_request:{rid}", decision.get("date"),
                                             tuple(sorted(marks_of(r.get("items", [])))),
                                             {"outcome": decision["outcome"], "licence": r["original_licence"]}))  # fmt: skip
    for oid, o in facts.observations.items():
        marks = tuple(sorted(marks_of(o.get("items", []))))
        stops = [x for x in (o.get("from_state"), *o.get("via_states", []), o.get("to_state")) if x]
        if len(stops) == 1 and marks:  # seen only where it ended: it came from where it was sent
            origins = {facts.euc_of(facts.licences[facts.shipments[s]["licence_number"]])["country_of_final_destination"]  # type: ignore[index]
                       for s, ship in facts.shipments.items() if set(marks) & marks_of(ship.get("items", []))
                       and facts.licences.get(ship["licence_number"]) and facts.euc_of(facts.licences[ship["licence_number"]])}  # fmt: skip
            stops = (
                [*sorted(origins - {stops[0]}), stops[0]][-2:] if origins - {stops[0]} else stops
            )
        for a, b in pairwise(stops):
            graph.add_edge(a, b, hop=Hop(a, b, o["kind"], f"observation:{oid}", o["date"], marks,
                                         {"status": o.get("status"), "source": o.get("source")}))  # fmt: skip
    return graph


MAX_PATHS = 100  # a lot seen going back and forth: the first hundred paths tell the story
MAX_HOPS = 30


def _key(hop: Hop) -> str:
    return f"{hop.record}:{hop.from_state}>{hop.to_state}"


def _follow(
    graph: nx.MultiDiGraph,
    start: str,
    marks: set[str],
    after: str,
    seen: frozenset[str],
    budget: list[int],
) -> list[list[Hop]]:
    """Paths onward from `start` along hops that carry one of `marks`, in time order (an undated
    hop, such as a re-export approved without a date, may come at any time)."""
    paths: list[list[Hop]] = []
    if len(seen) >= MAX_HOPS:
        return paths
    for _, _, data in graph.out_edges(start, data=True):
        hop: Hop = data["hop"]
        if _key(hop) in seen or not (marks & set(hop.marks)) or (hop.date and hop.date < after):
            continue
        if budget[0] <= 0:
            break
        onward = _follow(
            graph,
            hop.to_state,
            marks & set(hop.marks),
            hop.date or after,
            seen | {_key(hop)},
            budget,
        )
        found = [[hop, *rest] for rest in onward] or [[hop]]
        budget[0] -= len(found) if not onward else 0
        paths += found
    return paths


def trace_licence(facts: Facts, number: str) -> dict[str, Any]:
    """Each shipment of the licence, hop by hop, then wherever its lots and serials were seen."""
    licence = facts.licences[number]
    euc = facts.euc_of(licence)
    declared = euc["country_of_final_destination"] if euc else None
    graph = movement_graph(facts)
    paths = []
    for sid in sorted(
        facts.shipments_of_licence.get(number, []), key=lambda s: facts.shipments[s]["date"]
    ):
        s = facts.shipments[sid]
        marks = marks_of(s.get("items", []))
        route = s.get("route", [])
        hops = [Hop(a, b, "shipment", f"shipment:{sid}", s["date"], tuple(sorted(marks)), {"route": route})
                for a, b in pairwise(route)]  # fmt: skip
        for dvc_number in facts.dvcs_of_shipment.get(sid, []):
            dvc = facts.dvcs[dvc_number]
            hops.append(Hop(route[-1], route[-1], "delivery", f"delivery_verification:{dvc_number}",
                            dvc["arrival_date"], tuple(sorted(marks_of(dvc.get("items", [])))),
                            {"delivered_to": dvc.get("delivered_to"), "scope": dvc.get("delivery_scope")}))  # fmt: skip
        end = route[-1] if route else declared
        onward = (
            _follow(graph, end, marks, s["date"], frozenset(_key(h) for h in hops), [MAX_PATHS])
            if end and marks
            else []
        )
        for rest in onward or [[]]:
            path = hops + rest
            final = path[-1].to_state if path else None
            paths.append({
                "shipment": sid, "hops": [h.as_dict() for h in path], "final_state": final,
                "declared_destination": declared,
                **({"effective_destination": final} if final and final != declared else {}),
            })  # fmt: skip
    return {"licence": number, "declared_destination": declared, "paths": paths}


def trace_mark(facts: Facts, mark: str) -> dict[str, Any]:
    """Where a lot or serial came from (the shipments, licences and EUCs that carried it) and
    everywhere it was seen."""
    origins = []
    for sid, s in facts.shipments.items():
        if mark in marks_of(s.get("items", [])):
            licence = facts.licences.get(s["licence_number"], {})
            euc = facts.euc_of(licence) if licence else None
            origins.append({
                "shipment": sid, "date": s["date"], "route": s.get("route", []),
                "licence": s["licence_number"], "exporting_state": licence.get("exporting_state"),
                "exporter": (euc or {}).get("exporter"),
                "euc": f"{euc['issuing_authority']}:{euc['euc_number']}" if euc else None,
                "declared_end_user": (euc or {}).get("end_user"),
                "declared_destination": (euc or {}).get("country_of_final_destination"),
            })  # fmt: skip
    seen = [
        {"observation": oid, "kind": o["kind"], "date": o["date"], "from_state": o.get("from_state"),
         "to_state": o.get("to_state"), "status": o.get("status"), "source": o.get("source")}
        for oid, o in sorted(facts.observations.items(), key=lambda kv: kv[1]["date"])
        if mark in marks_of(o.get("items", []))
    ]  # fmt: skip
    certified = [
        {"dvc": n, "arrival_date": d["arrival_date"], "issuing_authority": d["issuing_authority"],
         "delivered_to": d.get("delivered_to"), "licence": d["licence_number"]}
        for n, d in facts.dvcs.items() if mark in marks_of(d.get("items", []))
    ]  # fmt: skip
    moved_on = [
        {"reexport_request": rid, "to": r["proposed_destination"],
         "outcome": (r.get("decision") or {}).get("outcome", "pending"), "licence": r["original_licence"]}
        for rid, r in facts.reexports.items() if mark in marks_of(r.get("items", []))
    ]  # fmt: skip
    return {
        "mark": mark,
        "origins": origins,
        "certified": certified,
        "reexports": moved_on,
        "observed": seen,
    }


def record_graph(facts: Facts) -> nx.DiGraph:
    """Every record as a node (`state:RS`, `party:p-broker`, `licence:RS-2025-0107`, `lot:...`),
    linked as the records link them: what a trace page draws, and what a path can be read from."""
    g = nx.DiGraph()

    def link(a: str, b: str, relation: str) -> None:
        for node in (a, b):
            g.add_node(node, kind=node.split(":", 1)[0])
        g.add_edge(a, b, relation=relation)

    for key, euc in facts.eucs.items():
        link(f"state:{euc['issuing_state']}", f"euc:{key}", "issued")
        link(f"euc:{key}", f"party:{euc['end_user']}", "end_user")
        for i in euc.get("intermediaries", []):
            link(f"party:{i['party']}", f"euc:{key}", i.get("role", "intermediary"))
    for number, lic in facts.licences.items():
        link(
            f"licence:{number}",
            f"euc:{lic['euc']['issuing_authority']}:{lic['euc']['euc_number']}",
            "for",
        )
        link(f"party:{lic['applicant']}", f"licence:{number}", "applied")
    for sid, s in facts.shipments.items():
        link(f"licence:{s['licence_number']}", f"shipment:{sid}", "shipped")
        for m in marks_of(s.get("items", [])):
            link(f"shipment:{sid}", f"lot:{m}", "carried")
        if s.get("route"):
            link(f"shipment:{sid}", f"state:{s['route'][-1]}", "to")
    for number, d in facts.dvcs.items():
        if d.get("shipment_id"):
            link(f"shipment:{d['shipment_id']}", f"dvc:{number}", "delivered")
    for rid, r in facts.reexports.items():
        link(f"licence:{r['original_licence']}", f"reexport_request:{rid}", "request")
        link(
            f"reexport_request:{rid}",
            f"state:{r['proposed_destination']}",
            (r.get("decision") or {}).get("outcome", "pending"),
        )
    for oid, o in facts.observations.items():
        for m in marks_of(o.get("items", [])):
            link(f"lot:{m}", f"observation:{oid}", "seen")
        if o.get("to_state"):
            link(f"observation:{oid}", f"state:{o['to_state']}", "to")
    return g
