"""D1, D2, F, G5: the destination, its history, and how much it plausibly needs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from enduse.domain.control_list import ControlEntryError, parse_control_entry
from enduse.risk.facts import Facts, marks_of
from enduse.risk.findings import Finding, rule
from enduse.risk.rules.goods import calibre_of


def _categories(facts: Facts, licence: dict[str, Any]) -> set[str]:
    euc = facts.euc_of(licence) or {}
    out = set()
    for item in euc.get("items", []):
        try:
            out.add(f"ML{parse_control_entry(item['control_entry']).category}")
        except (ControlEntryError, KeyError, TypeError):
            continue
    return out


@rule("F1", subject="licence", severity="high")
def embargoed(facts: Facts, params: dict[str, Any], today: date) -> Iterator[Finding]:
    """A destination, transit state or party country under a UN, EU or OSCE arms embargo covering
    these goods: no licence may be issued (criterion 1), whatever else the case shows."""
    regimes = set(params.get("regimes", ["UN", "EU", "OSCE"]))
    for number, licence in facts.licences.items():
        euc = facts.euc_of(licence)
        if euc is None:
            continue
        undecided = licence.get("status") in ("applied", "under_review")
        day = (
            today.isoformat()
            if undecided
            else (licence.get("date_of_decision") or euc["date_of_issue"])
        )
        states = {euc["country_of_final_destination"]: "destination"}
        states |= {s: "transit" for s in euc.get("transit_states", [])}
        for pid in {
            euc["end_user"],
            *euc.get("consignees", []),
            *(i["party"] for i in euc.get("intermediaries", [])),
        }:
            if pid in facts.parties:
                states.setdefault(facts.parties[pid]["country"], f"country of {pid}")
        categories = _categories(facts, licence)
        for embargo in facts.embargoes:
            if embargo["regime"] not in regimes or embargo["target_state"] not in states:
                continue
            if not (embargo["from"] <= day <= (embargo.get("until") or "9999")):
                continue
            scope = embargo["scope"]
            if scope != "all" and not categories & set(scope):
                continue
            yield Finding("F1", "high", "licence", number,
                          f"{embargo['target_state']} ({states[embargo['target_state']]}) is under a "
                          f"{embargo['regime']} arms embargo", {"embargo": embargo, "role": states[embargo["target_state"]]},
                          blocks=True)  # fmt: skip


@rule("F2", subject="licence", severity="high")
def destination_diverted_before(
    facts: Facts, params: dict[str, Any], today: date
) -> Iterator[Finding]:
    """A destination from which goods were already seen moving on (confirmed observations):
    what happened once is the best predictor of what happens next."""
    kinds = set(params.get("kinds", ()))
    onward = [o for o in facts.observations.values()
              if o.get("kind") in kinds and o.get("status") == "confirmed" and o.get("from_state")
              and o.get("to_state") and o["to_state"] != o["from_state"]]  # fmt: skip
    for number, licence in facts.licences.items():
        euc = facts.euc_of(licence)
        if euc is None:
            continue
        decided = licence.get("date_of_decision") or today.isoformat()
        before = [
            o
            for o in onward
            if o["from_state"] == euc["country_of_final_destination"] and o["date"] < decided
        ]
        if before:
            yield Finding("F2", "high", "licence", number,
                          f"goods were seen moving on from {euc['country_of_final_destination']} before",
                          {"observations": [o["id"] for o in before]})  # fmt: skip


@rule("F4", subject="licence", severity="medium")
def known_fake_euc_destination(
    facts: Facts, params: dict[str, Any], today: date
) -> Iterator[Finding]:
    """Some states keep appearing as the declared end user of forged or bought EUCs."""
    listed = set(params.get("states", []))
    for number, licence in facts.licences.items():
        euc = facts.euc_of(licence)
        if euc and euc["country_of_final_destination"] in listed:
            yield Finding("F4", "medium", "licence", number,
                          f"{euc['country_of_final_destination']} appears in known fake-EUC cases",
                          {"destination": euc["country_of_final_destination"]})  # fmt: skip


@rule("G5", subject="licence", severity="high")
def seen_elsewhere(facts: Facts, params: dict[str, Any], today: date) -> Iterator[Finding]:
    """Lots or serials of this licence turning up outside the declared destination (a trace,
    a seizure, a report): the goods are not where the certificate says."""
    for number, licence in facts.licences.items():
        euc = facts.euc_of(licence)
        if euc is None:
            continue
        marks = {m for sid in facts.shipments_of_licence.get(number, [])
                 for m in marks_of(facts.shipments[sid].get("items", []))}  # fmt: skip
        for oid in sorted({o for m in marks for o in facts.observations_of_mark.get(m, [])}):
            obs = facts.observations[oid]
            if obs.get("status") == "denied":  # a denied sighting is none
                continue
            seen = marks & marks_of(obs.get("items", []))
            where = obs.get("to_state") or obs.get("from_state")
            if seen and where and where != euc["country_of_final_destination"]:
                yield Finding("G5", "high", "licence", number, f"lots of this licence observed in {where}",
                              {"observation": obs["id"], "kind": obs["kind"], "marks": sorted(seen), "where": where})  # fmt: skip


def _need(inventory: dict[str, Any] | None) -> dict[str, Decimal]:
    need = (inventory or {}).get("annual_need") or {}
    return {c: Decimal(str(q)) for k, q in need.items() if (c := calibre_of(k))}


@rule("D1", subject="licence", severity="medium")
def beyond_plausible_need(facts: Facts, params: dict[str, Any], today: date) -> Iterator[Finding]:
    """More of a calibre than the end user plausibly uses in a year (its recorded annual need
    times a margin): the surplus has to go somewhere."""
    margin = Decimal(str(params.get("margin", 1.5)))
    for number, licence in facts.licences.items():
        euc = facts.euc_of(licence)
        if euc is None:
            continue
        need = _need(facts.inventory_of(euc["end_user"]))
        lines = {i["line"]: i for i in euc.get("items", [])}
        for item in licence.get("items", []):
            line = lines.get(item.get("euc_line"))
            calibre = calibre_of((line or {}).get("calibre"))
            if (
                calibre in need
                and item.get("quantity")
                and Decimal(str(item["quantity"])) > need[calibre] * margin
            ):
                yield Finding("D1", "medium", "licence", number, f"{item['quantity']} of {calibre} is beyond plausible need",
                              {"calibre": calibre, "quantity": item["quantity"], "annual_need": float(need[calibre]),
                               "margin": float(margin)})  # fmt: skip


@rule("D2", subject="licence", severity="medium")
def split_orders(facts: Facts, params: dict[str, Any], today: date) -> Iterator[Finding]:
    """One end user's orders of a calibre across EUCs within a year, together beyond plausible
    need: splitting keeps each below what would draw attention."""
    margin = Decimal(str(params.get("margin", 1.5)))
    window = timedelta(days=int(params.get("window_days", 365)))
    orders: dict[tuple[str, str], list[tuple[date, str, Decimal]]] = defaultdict(list)
    for number, licence in facts.licences.items():
        euc = facts.euc_of(licence)
        if euc is None or licence.get("status") == "refused":  # a refused order orders nothing
            continue
        lines = {i["line"]: i for i in euc.get("items", [])}
        for item in licence.get("items", []):
            calibre = calibre_of((lines.get(item.get("euc_line")) or {}).get("calibre"))
            if calibre and item.get("quantity"):
                orders[(euc["end_user"], calibre)].append(
                    (
                        date.fromisoformat(euc["date_of_issue"]),
                        number,
                        Decimal(str(item["quantity"])),
                    )
                )
    for (end_user, calibre), rows in orders.items():
        need = _need(facts.inventory_of(end_user)).get(calibre)
        if need is None or len({r[1] for r in rows}) < 2:
            continue
        rows.sort()
        for i, (start, _, _) in enumerate(rows):
            inside = [r for r in rows[i:] if r[0] - start <= window]
            total = sum((r[2] for r in inside), Decimal(0))
            if len({r[1] for r in inside}) >= 2 and total > need * margin:
                for number in sorted({r[1] for r in inside}):
                    yield Finding("D2", "medium", "licence", number,
                                  f"{end_user}'s orders of {calibre} within a year total {total}",
                                  {"end_user": end_user, "calibre": calibre, "total": float(total),
                                   "annual_need": float(need), "licences": sorted({r[1] for r in inside})})  # fmt: skip
                break
