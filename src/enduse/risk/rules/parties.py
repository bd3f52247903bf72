"""B: who is on the transfer."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from typing import Any

from enduse.risk.facts import Facts
from enduse.risk.findings import Finding, rule


@rule("B3", subject="party", severity="medium")
def trader_as_consignee_or_end_user(
    facts: Facts, params: dict[str, Any], today: date
) -> Iterator[Finding]:
    """A freight forwarder, trading company, shipping company or bank as consignee or end user:
    such a party has no use for arms, and is where goods change hands unseen."""
    kinds = set(params.get("kinds", ()))
    seen: dict[str, list[dict[str, str]]] = defaultdict(list)
    for key, euc in facts.eucs.items():
        for role, ids in (
            ("end_user", [euc["end_user"]]),
            ("consignee", euc.get("consignees", [])),
        ):
            for party_id in ids:
                seen[party_id].append({"euc": key, "role": role})
    for sid, shipment in facts.shipments.items():
        if shipment.get("consignee"):
            seen[shipment["consignee"]].append({"shipment": sid, "role": "consignee"})
    for party_id, where in seen.items():
        party = facts.parties.get(party_id)
        if party and party.get("kind") in kinds:
            yield Finding("B3", "medium", "party", party_id,
                          f"{party['name']} ({party['kind']}) is named as consignee or end user",
                          {"kind": party["kind"], "named_on": where})  # fmt: skip


def _brokers(euc: dict[str, Any]) -> list[tuple[str, str]]:
    return [(i["party"], i.get("role", "intermediary")) for i in euc.get("intermediaries", [])]


@rule("B5", subject="party", severity="medium")
def third_country_broker(facts: Facts, params: dict[str, Any], today: date) -> Iterator[Finding]:
    """A broker or intermediary from neither the exporter's nor the importer's country: the
    extra link a diversion scheme needs, in a jurisdiction neither state controls."""
    found: dict[str, list[dict[str, str]]] = defaultdict(list)
    for key, euc in facts.eucs.items():
        exporter = facts.parties.get(euc.get("exporter", ""), {})
        home = {
            exporter.get("country"),
            euc.get("issuing_state"),
            euc.get("country_of_final_destination"),
        }
        for party_id, role in _brokers(euc):
            party = facts.parties.get(party_id)
            if party and party.get("country") not in home:
                found[party_id].append({"euc": key, "role": role, "exporter_state": exporter.get("country"),
                                        "importing_state": euc.get("issuing_state")})  # fmt: skip
    for party_id, where in found.items():
        party = facts.parties[party_id]
        yield Finding("B5", "medium", "party", party_id,
                      f"{party['name']} ({party['country']}) intermediates from a third country",
                      {"country": party["country"], "on": where})  # fmt: skip


@rule("B6", subject="party", severity="high")
def broker_for_several_states(
    facts: Facts, params: dict[str, Any], today: date
) -> Iterator[Finding]:
    """The same broker on EUCs of several importing states within two years: one intermediary
    serving many "end users" is how a single buyer hides behind several certificates."""
    window = int(params.get("window_days", 730))
    needed = int(params.get("states", 2))
    by_party: dict[str, list[tuple[date, str, str]]] = defaultdict(list)
    for key, euc in facts.eucs.items():
        for party_id, _role in _brokers(euc):
            by_party[party_id].append(
                (date.fromisoformat(euc["date_of_issue"]), euc["issuing_state"], key)
            )
    for party_id, uses in by_party.items():
        uses.sort()
        for i, (start, _, _) in enumerate(uses):
            inside = [u for u in uses[i:] if (u[0] - start).days <= window]
            states = sorted({u[1] for u in inside})
            if len(states) >= needed:
                yield Finding("B6", "high", "party", party_id,
                              f"on EUCs of {len(states)} importing states ({', '.join(states)}) within {window} days",
                              {"states": states, "eucs": [u[2] for u in inside],
                               "dates": [u[0].isoformat() for u in inside]})  # fmt: skip
                break


@rule("B1", subject="party", severity="medium")
def sanctioned_party(facts: Facts, params: dict[str, Any], today: date) -> Iterator[Finding]:
    """A party on a sanctions list: a strong match (score 0.9 or more, or its identifier) blocks;
    a weaker one is for a person to review. The hits are the party's latest screening."""
    for party_id, screening in facts.screenings.items():
        listed = [h for h in screening.get("hits", []) if h.get("list") != "denials"]
        if not listed:
            continue
        best = listed[0]
        strong = any(h.get("strength") == "strong" for h in listed)
        yield Finding("B1", "high" if strong else "medium", "party", party_id,
                      f"matches {best['caption']} ({best['score']:.2f}, {', '.join(best.get('datasets', []))})",
                      {"hits": listed[:5], "list_version": screening.get("list_version")}, blocks=strong)  # fmt: skip


@rule("F5", subject="party", severity="high")
def denied_elsewhere(facts: Facts, params: dict[str, Any], today: date) -> Iterator[Finding]:
    """Another state refused this end user or consignee: the same request, made to us, is how a
    denied buyer shops around (the "no undercut" rule of the export control regimes)."""
    named = set()
    for euc in facts.eucs.values():
        named |= {euc["end_user"], *euc.get("consignees", [])}
    for party_id, screening in facts.screenings.items():
        if party_id not in named:
            continue
        denied = [h for h in screening.get("hits", []) if h.get("list") == "denials"]
        if denied:
            yield Finding("F5", "high", "party", party_id,
                          f"denied by {', '.join(d for h in denied for d in h.get('datasets', []))}: {denied[0]['caption']}",
                          {"denials": denied})  # fmt: skip


@rule("B2", subject="party", severity="medium")
def consignee_elsewhere(facts: Facts, params: dict[str, Any], today: date) -> Iterator[Finding]:
    """A consignee in another country than the final destination receives goods that are, on
    paper, going somewhere else."""
    for key, euc in facts.eucs.items():
        for party_id in euc.get("consignees", []):
            party = facts.parties.get(party_id)
            if party and party["country"] != euc["country_of_final_destination"]:
                yield Finding("B2", "medium", "party", party_id,
                              f"consignee in {party['country']}, destination {euc['country_of_final_destination']}",
                              {"euc": key, "consignee_country": party["country"],
                               "destination": euc["country_of_final_destination"]})  # fmt: skip


@rule("B7", subject="party", severity="medium")
def private_end_user_of_salw(
    facts: Facts, params: dict[str, Any], today: date
) -> Iterator[Finding]:
    """Small arms, light weapons or ammunition for a private or commercial end user: the goods
    most easily diverted, to the end user least bound by a state's assurances."""
    categories = set(params.get("categories", ["ML1", "ML2", "ML3", "ML4"]))
    for key, euc in facts.eucs.items():
        party = facts.parties.get(euc["end_user"])
        if not party or party.get("kind") in ("government",):
            continue
        goods = [
            i
            for i in euc.get("items", [])
            if (i.get("control_entry") or "").split(".")[0] in categories
        ]
        if goods:
            yield Finding("B7", "medium", "party", party["id"],
                          f"{party['kind']} end user of {', '.join(sorted({i['control_entry'] for i in goods}))}",
                          {"euc": key, "kind": party["kind"]})  # fmt: skip
