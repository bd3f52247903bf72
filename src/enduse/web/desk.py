"""The licensing officer's desk: the registry's facts held in memory by each worker, so a case
page evaluates one neighbourhood (tens of milliseconds) instead of reloading the registry.

The facts are reloaded when the registry changed: every change queues a log entry, so the
highest entry `seq` is a version number that costs one index lookup to read.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from enduse.domain.ledger import RESERVING
from enduse.registry import models as m
from enduse.risk.config import load_config
from enduse.risk.engine import evaluate, report
from enduse.risk.facts import Facts, euc_key, load_facts
from enduse.risk.scope import case_subjects
from enduse.workflow.logbook import SEQ_SLACK, change_marker

OPEN = ("applied", "under_review", "issued", "suspended")  # a decision can still change them
DASHBOARD_CASES = 200  # the newest open cases ranked; a registry of 100,000 is not re-scored
RANKED_DATES = 4  # dashboards kept per registry version: today, and a few dates asked with ?at=


def registry_version(session: Session) -> tuple[int, int, int]:
    """Changes seen so far: (last log seq, entries near it, screenings) — screening adds no
    log entry."""
    screened = session.scalar(select(func.max(m.ScreeningRow.pk))) or 0
    return (*change_marker(session), screened)


@dataclass
class Desk:
    """Facts and dashboard per registry version, shared by a worker's threads.

    The dashboard is kept for the current facts only, for the `RANKED_DATES` dates most
    recently asked (`?at=` takes any date: each would otherwise stay for good)."""

    _version: tuple[int, int, int] | None = None
    _facts: Facts | None = None
    _ranked: OrderedDict[date, list[dict[str, Any]]] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def facts(self, session: Session) -> Facts:
        version = registry_version(session)
        with self._lock:
            if self._facts is None or self._version is None:
                self._facts = load_facts(session)
            elif version != self._version:
                # copy on write: pages rendering from the facts they were given go on
                # undisturbed, and see the change at their next request
                fresh = self._facts.copy()
                self._facts = (
                    fresh if _catch_up(session, fresh, self._version) else load_facts(session)
                )
            else:
                return self._facts
            self._version = version
            self._ranked = OrderedDict()
            return self._facts

    def case_risk(self, facts: Facts, licence: str, today: date) -> dict[str, Any]:
        """The red flags about one case, with its score (severity points) and whether it blocks."""
        findings = evaluate(facts.around(licence), load_config(), today)
        scope = case_subjects(facts, licence)
        findings = [f for f in findings if (f.subject_type, f.subject_id) in scope]
        out = report(findings)
        out["score"] = sum(s["score"] for s in out["subjects"])
        out["blocked"] = any(s.get("blocked") for s in out["subjects"])
        return out

    def ranked(self, session: Session, today: date, user_party: str | None) -> list[dict[str, Any]]:
        """Open cases, riskiest first (the newest `DASHBOARD_CASES` of them)."""
        facts = self.facts(session)
        with self._lock:
            cached = self._ranked.get(today) if facts is self._facts else None
            if cached is not None:
                self._ranked.move_to_end(today)
        if cached is None:
            numbers = [n for n, lic in facts.licences.items() if lic.get("status") in OPEN]
            cases = []
            for number in numbers[-DASHBOARD_CASES:]:
                risk = self.case_risk(facts, number, today)
                lic = facts.licences[number]
                euc = facts.euc_of(lic) or {}
                cases.append({
                    "licence": number, "status": lic.get("status"), "applicant": lic.get("applicant"),
                    "destination": euc.get("country_of_final_destination"),
                    "end_user": euc.get("end_user"), "score": risk["score"],
                    "blocked": risk["blocked"], "findings": risk["findings"],
                })  # fmt: skip
            cases.sort(key=lambda c: (-c["score"], c["licence"]))
            cached = cases
            with self._lock:
                # not if the facts changed meanwhile: this ranking is of the older ones
                if facts is self._facts:
                    self._ranked[today] = cases
                    self._ranked.move_to_end(today)
                    while len(self._ranked) > RANKED_DATES:
                        self._ranked.popitem(last=False)
        if user_party is not None:
            return [c for c in cached if c["applicant"] == user_party]
        return cached


CATCH_UP_LIMIT = 2000  # more changes than this since the facts were read: read them all again
_ROWS = {
    "parties": (m.PartyRow, lambda key: m.PartyRow.id == key),
    "eucs": (m.EucRow, lambda key: (m.EucRow.issuing_authority == key.split(":", 1)[0])
             & (m.EucRow.euc_number == key.split(":", 1)[-1])),
    "licences": (m.LicenceRow, lambda key: m.LicenceRow.licence_number == key),
    "shipments": (m.ShipmentRow, lambda key: m.ShipmentRow.shipment_id == key),
    "delivery_verifications": (m.DeliveryVerificationRow,
                               lambda key: m.DeliveryVerificationRow.dvc_number == key),
    "reexport_requests": (m.ReexportRequestRow, lambda key: m.ReexportRequestRow.request_id == key),
    "observations": (m.ObservationRow, lambda key: m.ObservationRow.id == key),
}  # fmt: skip


def _catch_up(session: Session, facts: Facts, seen: tuple[int, int, int]) -> bool:
    """Apply the records changed since `seen` (the log entries after it name them) and the
    newer screenings to `facts`; False when a full load is the better course.

    On PostgreSQL two writers may commit their sequence numbers out of order (11 visible
    before 10): the window reaches back `SEQ_SLACK` entries, which is harmless as applying
    a record twice gives the same facts."""
    changed = session.execute(
        select(m.LogEntryRow.seq, m.LogEntryRow.record)
        .where(m.LogEntryRow.seq > seen[0] - SEQ_SLACK)
        .order_by(m.LogEntryRow.seq)
        .limit(CATCH_UP_LIMIT + 1)
    ).all()
    if len(changed) > CATCH_UP_LIMIT:
        return False
    newest: dict[str, int] = {}
    for seq, key in changed:
        newest[key] = seq
    for key, seq in newest.items():
        collection, _, ident = key.partition(":")
        if collection not in _ROWS:
            if seq <= seen[0]:
                continue  # within the slack window: already part of these facts
            return False  # authorities, inventories, denials, embargoes: rare, and global
        row_type, where = _ROWS[collection]
        doc = session.scalar(select(row_type.document).where(where(ident)))
        if doc is None:
            return False
        facts.apply(collection, doc)
    for row in session.scalars(
        select(m.ScreeningRow)
        .where(m.ScreeningRow.pk > seen[-1] - SEQ_SLACK)
        .order_by(m.ScreeningRow.pk)
    ):
        facts.screenings[row.party] = {"hits": row.hits, "strongest": row.strongest,
                                       "list_version": row.list_version,
                                       "denials_version": row.denials_version}  # fmt: skip
    return True


@dataclass(frozen=True)
class LedgerLine:
    """One EUC line as bars: what the EUC allows, what licences hold, shipped, verified."""

    line: int
    description: str
    unit: str
    allowed: Decimal
    this_licence: Decimal
    other_licences: Decimal
    shipped: Decimal
    verified: Decimal

    def percent(self, value: Decimal) -> float:
        return float(min(Decimal(100), value * 100 / self.allowed)) if self.allowed else 0.0


def _qty(value: Any) -> Decimal:
    return Decimal(str(value)) if value is not None else Decimal(0)


def ledger(facts: Facts, number: str) -> list[LedgerLine]:
    licence = facts.licences[number]
    euc = facts.euc_of(licence)
    if euc is None:
        return []
    key = euc_key(euc)
    held: dict[int, Decimal] = {}
    others: dict[int, Decimal] = {}
    for other in facts.licences_of_euc.get(key, []):
        doc = facts.licences[other]
        if doc.get("status") not in RESERVING:
            continue
        target = held if other == number else others
        for item in doc.get("items", []):
            if item.get("euc_line") is not None:
                target[item["euc_line"]] = target.get(item["euc_line"], Decimal(0)) + _qty(
                    item.get("quantity")
                )
    to_euc = {i.get("line"): i.get("euc_line") for i in licence.get("items", [])}
    shipped: dict[int, Decimal] = {}
    for sid in facts.shipments_of_licence.get(number, []):
        for item in facts.shipments[sid].get("items", []):
            line = to_euc.get(item.get("licence_line"))
            if line is not None:
                shipped[line] = shipped.get(line, Decimal(0)) + _qty(item.get("quantity"))
    verified: dict[int, Decimal] = {}
    for dvc in facts.dvcs_of_licence.get(number, []):
        for item in facts.dvcs[dvc].get("items", []):
            line = to_euc.get(item.get("licence_line"))
            if line is not None:
                verified[line] = verified.get(line, Decimal(0)) + _qty(item.get("quantity"))
    return [
        LedgerLine(item["line"], item.get("description", ""), item.get("unit", ""),
                   _qty(item.get("quantity")), held.get(item["line"], Decimal(0)),
                   others.get(item["line"], Decimal(0)), shipped.get(item["line"], Decimal(0)),
                   verified.get(item["line"], Decimal(0)))
        for item in euc.get("items", [])
    ]  # fmt: skip


def timeline(facts: Facts, number: str) -> list[dict[str, Any]]:
    """The licence's life as dated events: decision, shipments, deliveries, re-export requests."""
    lic = facts.licences[number]
    events: list[dict[str, Any]] = []
    if lic.get("date_of_application"):
        events.append(
            {"date": lic["date_of_application"], "kind": "application", "what": "applied"}
        )
    if lic.get("date_of_decision"):
        events.append(
            {"date": lic["date_of_decision"], "kind": "decision", "what": lic.get("status")}
        )
    for sid in facts.shipments_of_licence.get(number, []):
        s = facts.shipments[sid]
        qty = sum(_qty(i.get("quantity")) for i in s.get("items", []))
        events.append({"date": s.get("date"), "kind": "shipment", "id": sid,
                       "what": f"{qty:,} units via {' → '.join(s.get('route', []))}"})  # fmt: skip
        if not facts.dvcs_for_shipment(sid):
            events.append({"date": s.get("date"), "kind": "missing", "id": sid,
                           "what": "no delivery verification yet"})  # fmt: skip
    for dvc in facts.dvcs_of_licence.get(number, []):
        d = facts.dvcs[dvc]
        qty = sum(_qty(i.get("quantity")) for i in d.get("items", []))
        events.append({"date": d.get("arrival_date"), "kind": "delivery", "id": dvc,
                       "what": f"{qty:,} units delivered to {d.get('delivered_to') or '?'}"})  # fmt: skip
    for rid in facts.reexports_of_licence.get(number, []):
        r = facts.reexports[rid]
        events.append({"date": r.get("date_of_request") or r.get("date"), "kind": "reexport", "id": rid,
                       "what": f"{r.get('request_type')} to {r.get('proposed_destination')}: "
                               f"{r.get('decision', {}).get('outcome', 'pending') if isinstance(r.get('decision'), dict) else r.get('status', 'pending')}"})  # fmt: skip
    return sorted(events, key=lambda e: (str(e.get("date") or ""), e["kind"]))
