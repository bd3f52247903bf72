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
