"""A trace drawn as SVG: states as nodes laid out in layers from where the goods started,
every hop an arrow coloured by what it is (shipment, delivery, re-export, observation)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import networkx as nx

LAYER_GAP, ROW_GAP, MARGIN, RADIUS = 170, 90, 50, 24
COLOURS = {"shipment": "#1f5fbf", "delivery": "#1a7f37", "reexport": "#8250df"}
OBSERVED = "#cf222e"  # anything seen outside the registry: trade records, reports, traces


@dataclass(frozen=True)
class Node:
    id: str
    x: float
    y: float
    declared: bool
    final: bool


@dataclass(frozen=True)
class Edge:
    x1: float
    y1: float
    x2: float
    y2: float
    colour: str
    label: str
    record: str
    loop: bool


@dataclass(frozen=True)
class Drawing:
    width: int
    height: int
    nodes: list[Node]
    edges: list[Edge]


def hops_of(trace: dict[str, Any]) -> list[dict[str, Any]]:
    """Every distinct hop of a licence trace (`paths`) or a lot trace (`sightings`/`hops`)."""
    seen, out = set(), []
    groups = trace.get("paths") or []
    hops = [h for p in groups for h in p.get("hops", [])]
    for origin in trace.get("origins") or []:  # a lot trace: the shipments that carried it ...
        route = origin.get("route") or []
        hops += [{"from": a, "to": b, "how": "shipment", "record": f"shipment:{origin['shipment']}",
                  "date": origin.get("date")} for a, b in itertools.pairwise(route)]  # fmt: skip
    for sighting in trace.get("observed") or []:  # ... and where it was seen since
        if sighting.get("from_state") and sighting.get("to_state"):
            hops.append({"from": sighting["from_state"], "to": sighting["to_state"], "how": sighting["kind"],
                         "record": f"observation:{sighting['observation']}", "date": sighting.get("date")})  # fmt: skip
    for hop in hops:
        key = (hop["from"], hop["to"], hop["how"], hop["record"])
        if key not in seen:
            seen.add(key)
            out.append(hop)
    return out


def layout(trace: dict[str, Any]) -> Drawing:
    hops = hops_of(trace)
    graph = nx.DiGraph()
    for hop in hops:
        graph.add_edge(hop["from"], hop["to"])
    if not graph:
        return Drawing(2 * MARGIN, 2 * MARGIN, [], [])
    starts = [
        n
        for n in graph
        if graph.in_degree(n) == 0 or (graph.in_degree(n) == 1 and graph.has_edge(n, n))
    ]
    starts = starts or [hops[0]["from"]]
    layer: dict[str, int] = {}
    for depth, nodes in enumerate(nx.bfs_layers(graph, starts)):
        for n in nodes:
            layer.setdefault(n, depth)
    for n in graph:  # unreachable from a start (a cycle): after everything else
        layer.setdefault(n, max(layer.values(), default=0) + 1)
    rows: dict[int, list[str]] = {}
    for n in sorted(graph, key=lambda n: (layer[n], n)):
        rows.setdefault(layer[n], []).append(n)
    pos = {n: (MARGIN + layer[n] * LAYER_GAP, MARGIN + i * ROW_GAP)
           for nodes in rows.values() for i, n in enumerate(nodes)}  # fmt: skip
    declared = trace.get("declared_destination")
    finals = {p.get("final_state") for p in trace.get("paths") or []}
    nodes = [
        Node(n, x, y, n == declared, n in finals and n != declared) for n, (x, y) in pos.items()
    ]
    edges = []
    for hop in hops:
        (x1, y1), (x2, y2) = pos[hop["from"]], pos[hop["to"]]
        colour = COLOURS.get(hop["how"], OBSERVED)
        label = f"{hop['how']} {hop.get('date') or ''}".strip()
        edges.append(Edge(x1, y1, x2, y2, colour, label, hop["record"], hop["from"] == hop["to"]))
    width = MARGIN * 2 + max(layer.values()) * LAYER_GAP + 40
    height = MARGIN * 2 + (max(len(r) for r in rows.values()) - 1) * ROW_GAP + 40
    return Drawing(width, height, nodes, edges)
