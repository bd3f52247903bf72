"""G: what happened after the goods left."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from enduse.risk.facts import Facts, marks_of
from enduse.risk.findings import Finding, rule


@rule("G1", subject="shipment", severity="medium")
def no_delivery_verification(
    facts: Facts, params: dict[str, Any], today: date
) -> Iterator[Finding]:
    """No DVC by the importing state's deadline: nobody has certified that the goods arrived
    where the EUC says, which is exactly what a diverted shipment cannot produce."""
    default = int(params.get("default_days", 30))
    for sid, shipment in facts.shipments.items():
        if facts.dvcs_for_shipment(sid):
            continue
        licence = facts.licences.get(shipment["licence_number"])
        euc = facts.euc_of(licence) if licence else None
        days = int((euc or {}).get("dvc_undertaking_days") or default)
        due = date.fromisoformat(shipment["date"]) + timedelta(days=days)
        if today > due:
            yield Finding("G1", "medium", "shipment", sid,
                          f"no delivery verification {(today - due).days} days after it was due ({due})",
                          {"shipped": shipment["date"], "due": due.isoformat(), "undertaking_days": days,
                           "licence": shipment["licence_number"]})  # fmt: skip


def _covers(request: dict[str, Any], obs: dict[str, Any], seen: set[str]) -> bool:
    """An approved re-export covers a movement to its destination of the lots it names (or, naming
    none, of any), decided no later than the goods were seen moving."""
    if request.get("proposed_destination") != obs["to_state"]:
        return False
    decided = (request.get("decision") or {}).get("date")
    if decided and decided > obs["date"]:
        return False
    named = marks_of(request.get("items", []))
    return not named or seen <= named


@rule("G6", subject="licence", severity="high")
def moved_on_without_consent(
    facts: Facts, params: dict[str, Any], today: date
) -> Iterator[Finding]:
    """Goods of this licence seen moving from the declared end user's country to a third
    country, with no approved re-export request: the diversion itself, observed."""
    kinds = set(params.get("kinds", ()))

    def counts(o: dict[str, Any]) -> bool:
        return o.get("kind") in kinds and o.get("status") != "denied"  # a denied sighting is none

    for number, licence in facts.licences.items():
        euc = facts.euc_of(licence)
        if euc is None:
            continue
        destination = euc["country_of_final_destination"]
        marks: dict[str, str] = {}
        for sid in facts.shipments_of_licence.get(number, []):
            for mark in marks_of(facts.shipments[sid].get("items", [])):
                marks[mark] = sid
        if not marks:
            continue
        approved = [
            r for r in (facts.reexports[i] for i in facts.reexports_of_licence.get(number, []))
            if (r.get("decision") or {}).get("outcome") in ("approved", "approved_with_conditions")
        ]  # fmt: skip
        candidates = {oid for m in marks for oid in facts.observations_of_mark.get(m, [])}
        for obs in (facts.observations[oid] for oid in sorted(candidates)):
            seen = marks.keys() & marks_of(obs.get("items", []))
            if (
                not counts(obs)
                or not seen
                or obs.get("from_state") != destination
                or obs.get("to_state") in (None, destination)
            ):
                continue
            if any(_covers(r, obs, seen) for r in approved):
                continue
            yield Finding(
                "G6", "high", "licence", number,
                f"goods of this licence seen moving from {destination} to {obs['to_state']} "
                "with no approved re-export",
                {"observation": obs["id"], "kind": obs["kind"], "date": obs["date"],
                 "from_state": destination, "to_state": obs["to_state"], "lots": sorted(seen),
                 "shipments": sorted({marks[s] for s in seen}),
                 "reexport_clause": euc.get("reexport_clause"), "source": obs.get("source"),
                 "effective_destination": obs["to_state"]},
            )  # fmt: skip
