"""D5, E: what left, how, and when."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from enduse.risk.facts import Facts, marks_of
from enduse.risk.findings import Finding, rule

RECEIVING_ROLES = ("consignee", "freight_forwarder")


def _receivers(euc: dict[str, Any]) -> set[str]:
    """Who may receive the goods on the EUC's word: end user, consignees, receiving intermediaries."""
    return {euc["end_user"], *euc.get("consignees", []),
            *(i["party"] for i in euc.get("intermediaries", []) if i.get("role") in RECEIVING_ROLES)}  # fmt: skip


def _by_line(items: list[dict[str, Any]], field: str = "licence_line") -> dict[int, Decimal]:
    out: dict[int, Decimal] = defaultdict(Decimal)
    for item in items:
        if item.get(field) is not None and item.get("quantity") is not None:
            out[item[field]] += Decimal(str(item["quantity"]))
    return out


@rule("D5", subject="shipment", severity="high")
def quantities_disagree(facts: Facts, params: dict[str, Any], today: date) -> Iterator[Finding]:
    """More shipped than licensed (or than the EUC allows), or less certified delivered than
    shipped: the difference is goods nobody accounts for."""
    for number, licence in facts.licences.items():
        licensed = _by_line(licence.get("items", []), "line")
        shipped: dict[int, Decimal] = defaultdict(Decimal)
        for sid in sorted(
            facts.shipments_of_licence.get(number, []), key=lambda s: facts.shipments[s]["date"]
        ):
            shipment = facts.shipments[sid]
            here = _by_line(shipment.get("items", []))
            problems = []
            for line, q in here.items():
                shipped[line] += q
                if shipped[line] > licensed.get(
                    line, Decimal(0)
                ):  # a line the licence lacks allows 0
                    problems.append({"licence_line": line, "shipped_to_date": float(shipped[line]),
                                     "licensed": float(licensed[line])})  # fmt: skip
            delivered: dict[int, Decimal] = defaultdict(Decimal)
            certifying = facts.dvcs_for_shipment(sid)
            for d in certifying:
                for line, q in _by_line(facts.dvcs[d].get("items", [])).items():
                    delivered[line] += q
            short = [{"licence_line": line, "shipped": float(q), "delivered": float(delivered.get(line, 0))}
                     for line, q in here.items()
                     if certifying and delivered.get(line, Decimal(0)) < q]  # fmt: skip
            if problems or short:
                what = "shipped above the licence" if problems else "DVC reports less than shipped"
                yield Finding("D5", "high", "shipment", sid, what,
                              {"licence": number, "over_licence": problems, "short_delivery": short})  # fmt: skip


@rule("E1", subject="shipment", severity="medium")
def transit_not_declared(facts: Facts, params: dict[str, Any], today: date) -> Iterator[Finding]:
    """A transit state the EUC does not name, or one under embargo or of high risk: where goods
    stop unannounced is where they can leave the paper trail."""
    risky = set(params.get("high_risk", [])) | {e["target_state"] for e in facts.embargoes}
    for sid, shipment in facts.shipments.items():
        licence = facts.licences.get(shipment["licence_number"])
        euc = facts.euc_of(licence) if licence else None
        if euc is None:
            continue
        transit = shipment.get("route", [])[1:-1]
        undeclared = [s for s in transit if s not in euc.get("transit_states", [])]
        dangerous = [s for s in transit if s in risky]
        if undeclared or dangerous:
            yield Finding("E1", "medium", "shipment", sid,
                          f"transit through {', '.join(undeclared + dangerous)} not declared or high-risk",
                          {"route": shipment["route"], "declared_transit": euc.get("transit_states", []),
                           "undeclared": undeclared, "high_risk": dangerous})  # fmt: skip


@rule("E2", subject="shipment", severity="medium")
def illogical_route(facts: Facts, params: dict[str, Any], today: date) -> Iterator[Finding]:
    """A route that does not start in the exporting state and end at the declared destination,
    or a consignee the EUC does not name: the goods went somewhere else, or to someone else."""
    for sid, shipment in facts.shipments.items():
        licence = facts.licences.get(shipment["licence_number"])
        euc = facts.euc_of(licence) if licence else None
        if euc is None or licence is None:
            continue
        route = shipment.get("route", [])
        problems = []
        if route and route[0] != licence["exporting_state"]:
            problems.append(f"starts in {route[0]}, not {licence['exporting_state']}")
        if route and route[-1] != euc["country_of_final_destination"]:
            problems.append(f"ends in {route[-1]}, not {euc['country_of_final_destination']}")
        consignee = shipment.get("consignee")
        if consignee and consignee not in _receivers(euc):
            problems.append(f"consignee {consignee} is not named on the EUC")
        if problems:
            yield Finding("E2", "medium", "shipment", sid, "; ".join(problems),
                          {"route": route, "consignee": consignee,
                           "destination": euc["country_of_final_destination"]})  # fmt: skip


@rule("E6", subject="shipment", severity="high")
def shipped_outside_validity(
    facts: Facts, params: dict[str, Any], today: date
) -> Iterator[Finding]:
    """A shipment before the licence was valid, after it expired, or under a licence that was
    never issued (refused, still applied for) left without authorisation. (A revoked licence's
    earlier shipments were lawful: the record has no revocation date to tell them apart.)"""
    for sid, shipment in facts.shipments.items():
        licence = facts.licences.get(shipment["licence_number"])
        if licence is None:
            continue
        day = shipment["date"]
        problems = []
        if licence.get("valid_from") and day < licence["valid_from"]:
            problems.append(f"before the licence was valid ({licence['valid_from']})")
        if licence.get("valid_until") and day > licence["valid_until"]:
            problems.append(f"after the licence expired ({licence['valid_until']})")
        if licence.get("status") in ("refused", "applied", "under_review"):
            problems.append(f"under a licence that is {licence['status']}")
        if problems:
            yield Finding("E6", "high", "shipment", sid, "; ".join(problems),
                          {"date": day, "licence": licence["licence_number"], "status": licence.get("status"),
                           "valid_from": licence.get("valid_from"), "valid_until": licence.get("valid_until")})  # fmt: skip


@rule("G2", subject="shipment", severity="medium")
def delivery_differs(facts: Facts, params: dict[str, Any], today: date) -> Iterator[Finding]:
    """A DVC whose lots, serials or receiving party differ from the shipment certifies other
    goods, or another delivery, than the ones that left."""
    for sid, shipment in facts.shipments.items():
        sent = marks_of(shipment.get("items", []))
        licence = facts.licences.get(shipment["licence_number"])
        euc = facts.euc_of(licence) if licence else None
        for number in facts.dvcs_for_shipment(sid):
            dvc = facts.dvcs[number]
            got = marks_of(dvc.get("items", []))
            problems = []
            if sent and got and got - sent:
                problems.append(f"lots/serials not shipped: {', '.join(sorted(got - sent))}")
            if sent and got and sent - got:
                problems.append(
                    f"shipped lots/serials not certified: {', '.join(sorted(sent - got))}"
                )
            more = [line for line, q in _by_line(dvc.get("items", [])).items()
                    if q > _by_line(shipment.get("items", [])).get(line, Decimal(0))]  # fmt: skip
            if dvc.get("shipment_id") == sid and more:
                problems.append(
                    f"certifies more than was shipped on line {', '.join(map(str, more))}"
                )
            receiver = dvc.get("delivered_to")
            if euc and receiver and receiver not in _receivers(euc):
                problems.append(f"delivered to {receiver}, whom the EUC does not name")
            if problems:
                yield Finding("G2", "medium", "shipment", sid, "; ".join(problems),
                              {"dvc": number, "shipped_marks": sorted(sent), "certified_marks": sorted(got)})  # fmt: skip


@rule("G3", subject="shipment", severity="high")
def dvc_from_incompetent_authority(
    facts: Facts, params: dict[str, Any], today: date
) -> Iterator[Finding]:
    """Only the destination state's customs can certify arrival there."""
    for sid in facts.shipments:
        licence = facts.licences.get(facts.shipments[sid]["licence_number"])
        euc = facts.euc_of(licence) if licence else None
        for number in facts.dvcs_for_shipment(sid):
            dvc = facts.dvcs[number]
            authority = facts.authorities.get(dvc["issuing_authority"], {})
            wrong = "dvc_issuing" not in authority.get("functions", []) or (
                euc is not None and authority.get("state") != euc["country_of_final_destination"]
            )
            if wrong:
                yield Finding("G3", "high", "shipment", sid,
                              f"DVC {number} issued by {dvc['issuing_authority']}, not competent there",
                              {"dvc": number, "authority": dvc["issuing_authority"],
                               "authority_state": authority.get("state"), "functions": authority.get("functions")})  # fmt: skip
