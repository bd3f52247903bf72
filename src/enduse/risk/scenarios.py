"""Generated registries with red-flag patterns injected, and the ground truth to measure rules by.

Every case is a clean transfer (an importing state's army buys ammunition it can
fire, under an issued licence, shipped direct, delivered and certified) into
which at most one pattern of DOMAIN.md's catalogue is injected. The truth of a
case is what its pattern implies; a finding not implied is a false positive,
an implied one not found a false negative.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from typing import Any

from enduse.domain.codes import countries

Case = dict[str, Any]
Truth = set[tuple[str, str, str]]
STATES = ["CZ", "PL", "BG", "RO", "HU", "SK", "DE", "FR", "NL", "AT"]
# Patterns about a state (its embargo, its history) touch every licence to it: their cases get
# a destination of their own, so that the truth of one case is not another's false positive.
STATE_WIDE = {"F1", "F2", "F4"}


def _base(i: int, state: str) -> Case:
    n = f"{i:05d}"
    eu, key = f"p-eu-{n}", f"{state}-MOD:{state}-EUC-{n}"
    euc = {
        "euc_number": f"{state}-EUC-{n}", "document_type": "EUC", "issuing_state": state,
        "issuing_authority": f"{state}-MOD", "date_of_issue": "2025-01-10", "valid_until": "2026-12-31",
        "exporter": "p-exp", "end_user": eu, "end_user_signatory": {"name": f"Signatory {state}", "position": "Director"},
        "consignees": [eu], "intermediaries": [], "country_of_final_destination": state, "transit_states": [],
        "items": [{"line": 1, "description": "7.62x51 mm ball cartridges", "control_entry": "ML3.a",
                   "calibre": "7.62x51mm", "quantity": 1000, "unit": "rounds"}],
        "end_use": "Training stocks of the land forces", "reexport_clause": {"kind": "prohibited"},
        "dvc_undertaking_days": 30,
    }  # fmt: skip
    licence = {
        "licence_number": f"RS-L-{n}", "exporting_state": "RS", "authority": "RS-EXPORT", "applicant": "p-exp",
        "euc": {"issuing_authority": f"{state}-MOD", "euc_number": f"{state}-EUC-{n}"},
        "items": [{"line": 1, "euc_line": 1, "quantity": 1000}], "status": "issued",
        "date_of_decision": "2025-02-01", "valid_from": "2025-02-01", "valid_until": "2026-12-31",
    }  # fmt: skip
    shipment = {
        "shipment_id": f"SH-{n}", "licence_number": f"RS-L-{n}", "date": "2025-03-01", "route": ["RS", state],
        "consignee": eu, "items": [{"licence_line": 1, "quantity": 1000, "lots": [f"LOT-{n}"]}],
    }  # fmt: skip
    dvc = {
        "dvc_number": f"DVC-{n}", "issuing_authority": f"{state}-CUSTOMS", "licence_number": f"RS-L-{n}",
        "shipment_id": f"SH-{n}", "arrival_date": "2025-03-05", "delivered_to": eu, "delivery_scope": "complete",
        "items": [{"licence_line": 1, "quantity": 1000, "lots": [f"LOT-{n}"]}],
    }  # fmt: skip
    return {
        "n": n, "state": state, "key": key, "parties": [{"id": eu, "name": f"Land Forces {n}", "country": state, "kind": "government"}],
        "inventories": [{"holder": eu, "calibres": ["7.62x51mm", "5.56x45mm", "155mm"], "annual_need": {"7.62x51mm": 100000}}],
        "eucs": [euc], "licences": [licence], "shipments": [shipment], "delivery_verifications": [dvc],
        "reexport_requests": [], "observations": [], "embargoes": [], "screenings": {},
        "fake_euc_states": [],
    }  # fmt: skip


def _other(state: str) -> str:
    return STATES[(STATES.index(state) + 1) % len(STATES)]


def _party(c: Case, suffix: str, country: str, kind: str) -> str:
    pid = f"p-{suffix}-{c['n']}"
    c["parties"].append(
        {"id": pid, "name": f"{suffix.title()} {c['n']}", "country": country, "kind": kind}
    )
    return pid


def _second_euc(c: Case, state: str, quantity: int) -> tuple[str, str]:
    euc = copy.deepcopy(c["eucs"][0])
    euc.update(euc_number=f"{state}-EUC2-{c['n']}", issuing_state=state, issuing_authority=f"{state}-MOD",
               country_of_final_destination=state, end_user_signatory={"name": f"Signatory {state}", "position": "Director"})  # fmt: skip
    euc["items"][0]["quantity"] = quantity
    c["eucs"].append(euc)
    licence = copy.deepcopy(c["licences"][0])
    licence.update(
        licence_number=f"RS-L2-{c['n']}",
        euc={"issuing_authority": f"{state}-MOD", "euc_number": euc["euc_number"]},
    )
    licence["items"][0]["quantity"] = quantity
    c["licences"].append(licence)
    return f"{state}-MOD:{euc['euc_number']}", licence["licence_number"]


def _a1(c: Case) -> Truth:
    extra = copy.deepcopy(c["licences"][0])
    extra["licence_number"] = f"RS-LX-{c['n']}"
    c["licences"].append(extra)
    return {("A1", "euc", c["key"])}


def _b2(c: Case) -> Truth:
    pid = _party(c, "cons", _other(c["state"]), "government")
    c["eucs"][0]["consignees"] = [pid]
    c["shipments"][0]["consignee"] = pid
    return {("B2", "party", pid)}


def _b3(c: Case) -> Truth:
    pid = _party(c, "fwd", c["state"], "freight_forwarder")
    c["eucs"][0]["consignees"] = [pid]
    c["shipments"][0]["consignee"] = pid
    return {("B3", "party", pid)}


def _b5(c: Case) -> Truth:
    pid = _party(c, "broker", "CY", "broker")
    c["eucs"][0]["intermediaries"] = [{"party": pid, "role": "broker"}]
    return {("B5", "party", pid)}


def _b6(c: Case) -> Truth:
    pid = _party(c, "agent", "RS", "broker")  # the exporter's country: no B5
    c["eucs"][0]["intermediaries"] = [{"party": pid, "role": "agent"}]
    second = _other(c["state"])
    _second_euc(c, second, 1000)
    c["eucs"][1]["end_user"] = c["eucs"][1]["consignees"][0] = _party(
        c, "army2", second, "government"
    )
    c["inventories"].append({"holder": c["eucs"][1]["end_user"], "calibres": ["7.62x51mm"]})
    return {("B6", "party", pid)}


def _b7(c: Case) -> Truth:
    c["parties"][0]["kind"] = "individual"
    return {("B7", "party", c["parties"][0]["id"])}


def _c1(c: Case) -> Truth:
    c["eucs"][0]["items"][0].update(calibre="5.45x39mm", description="5.45x39 mm cartridges")
    return {("C1", "licence", c["licences"][0]["licence_number"])}


def _c3(c: Case) -> Truth:
    c["parties"][0]["name"] = f"National Police {c['n']}"
    c["eucs"][0]["items"][0]["control_entry"] = "ML2.a"
    return {("C3", "licence", c["licences"][0]["licence_number"])}


def _d1(c: Case) -> Truth:
    c["inventories"][0]["annual_need"] = {"7.62x51mm": 100}
    return {("D1", "licence", c["licences"][0]["licence_number"])}


def _d2(c: Case) -> Truth:
    c["inventories"][0]["annual_need"] = {"7.62x51mm": 1200}
    _, second = _second_euc(c, c["state"], 1000)
    return {("D2", "licence", c["licences"][0]["licence_number"]), ("D2", "licence", second)}


def _d5(c: Case) -> Truth:
    c["shipments"][0]["items"][0]["quantity"] = 1200
    return {("D5", "shipment", c["shipments"][0]["shipment_id"])}


def _e1(c: Case) -> Truth:
    c["shipments"][0]["route"] = ["RS", "HU" if c["state"] != "HU" else "SK", c["state"]]
    return {("E1", "shipment", c["shipments"][0]["shipment_id"])}


def _e2(c: Case) -> Truth:
    pid = _party(c, "depot", c["state"], "government")
    c["shipments"][0]["consignee"] = pid
    return {("E2", "shipment", c["shipments"][0]["shipment_id"])}


def _e6(c: Case) -> Truth:
    c["shipments"][0]["date"] = "2025-01-20"
    return {("E6", "shipment", c["shipments"][0]["shipment_id"])}


def _f1(c: Case) -> Truth:
    c["embargoes"].append(
        {
            "target_state": c["state"],
            "regime": "UN",
            "scope": "all",
            "from": "2024-01-01",
            "source": "scenario",
        }
    )
    return {("F1", "licence", c["licences"][0]["licence_number"])}


def _f2(c: Case) -> Truth:
    c["observations"].append({"id": f"obs-s-{c['n']}", "kind": "seizure", "date": "2024-11-01", "from_state": c["state"],
                              "to_state": "UA", "source": "scenario", "status": "confirmed"})  # fmt: skip
    return {("F2", "licence", c["licences"][0]["licence_number"])}


def _a(rule_id: str, change: Callable[[Case], None]) -> Callable[[Case], Truth]:
    def inject(c: Case) -> Truth:
        change(c)
        return {(rule_id, "euc", c["key"])}

    return inject


def _c2(c: Case) -> Truth:
    c["inventories"][0]["systems"] = ["Leopard 2 tank", "PzH 2000 howitzer"]
    c["eucs"][0]["items"][0]["description"] = (
        "7.62x51 mm cartridges for Kalashnikov PKM machine guns"
    )
    return {("C2", "licence", c["licences"][0]["licence_number"])}


def _b1(c: Case) -> Truth:
    pid = c["parties"][0]["id"]
    c["screenings"][pid] = {"hits": [{"id": f"os-{c['n']}", "caption": "Listed Army", "score": 0.93,
                                      "strength": "strong", "list": "opensanctions", "datasets": ["eu_fsf"]}]}  # fmt: skip
    return {("B1", "party", pid)}


def _f5(c: Case) -> Truth:
    pid = c["parties"][0]["id"]
    c["screenings"][pid] = {"hits": [{"id": f"den-{c['n']}", "caption": "Land Forces", "score": 0.82,
                                      "strength": "review", "list": "denials", "datasets": ["denials:DE"]}]}  # fmt: skip
    return {("F5", "party", pid)}


def _a5(c: Case) -> Truth:
    c["eucs"][0]["signed"] = "EUC1:6BFOXN*TS0BI$ZD.P9UOL97O4-2HH77HRM3DSPTD"  # unreadable as an EUC
    return {("A5", "euc", c["key"])}


def _f4(c: Case) -> Truth:
    c["fake_euc_states"].append(c["state"])
    return {("F4", "licence", c["licences"][0]["licence_number"])}


def _g1(c: Case) -> Truth:
    c["delivery_verifications"] = []
    return {("G1", "shipment", c["shipments"][0]["shipment_id"])}


def _g2(c: Case) -> Truth:
    c["delivery_verifications"][0]["delivered_to"] = _party(
        c, "elsewhere", c["state"], "government"
    )
    return {("G2", "shipment", c["shipments"][0]["shipment_id"])}


def _g3(c: Case) -> Truth:
    c["delivery_verifications"][0]["issuing_authority"] = f"{_other(c['state'])}-CUSTOMS"
    return {("G3", "shipment", c["shipments"][0]["shipment_id"])}


def _g5(c: Case) -> Truth:
    c["observations"].append({"id": f"obs-r-{c['n']}", "kind": "open_source_report", "date": "2025-06-01",
                              "from_state": c["state"], "to_state": "UA", "source": "scenario", "status": "alleged",
                              "items": [{"description": "cartridges", "lots": [f"LOT-{c['n']}"]}]})  # fmt: skip
    return {("G5", "licence", c["licences"][0]["licence_number"])}


def _g6(c: Case) -> Truth:
    c["observations"].append({"id": f"obs-t-{c['n']}", "kind": "trace", "date": "2025-06-01",
                              "from_state": c["state"], "to_state": "UA", "source": "scenario", "status": "confirmed",
                              "items": [{"description": "cartridges", "lots": [f"LOT-{c['n']}"]}]})  # fmt: skip
    number = c["licences"][0]["licence_number"]
    return {("G6", "licence", number), ("G5", "licence", number)}  # seen elsewhere, and moved on


PATTERNS: dict[str, Callable[[Case], Truth]] = {
    "A1": _a1,
    "A2": _a("A2", lambda c: c["eucs"][0].update(end_user_signatory={"name": "Unknown Person"})),
    "A3": _a("A3", lambda c: c["eucs"][0].pop("valid_until")),
    "A4": _a("A4", lambda c: c["eucs"][0].update(end_use="Military use")),
    "A6": _a("A6", lambda c: c["eucs"][0].update(document_type="CERTIFIED_EUS")),
    "A8": _a("A8", lambda c: c["eucs"][0].pop("reexport_clause")),
    "A5": _a5, "F4": _f4, "B1": _b1, "B2": _b2, "B3": _b3, "C2": _c2, "F5": _f5, "B5": _b5, "B6": _b6, "B7": _b7, "C1": _c1, "C3": _c3, "D1": _d1, "D2": _d2,
    "D5": _d5, "E1": _e1, "E2": _e2, "E6": _e6, "F1": _f1, "F2": _f2, "G1": _g1, "G2": _g2, "G3": _g3,
    "G5": _g5, "G6": _g6,
}  # fmt: skip


def _near_misses(c: Case, rng: random.Random) -> None:
    """Benign variations no rule should flag: what makes precision mean something."""
    if (
        rng.random() < 0.3 and c["delivery_verifications"]
    ):  # a DVC naming no shipment, matched by its lot
        c["delivery_verifications"][0].pop("shipment_id", None)
    if rng.random() < 0.2:  # a sighting of the lot moving on, denied
        c["observations"].append({"id": f"obs-d-{c['n']}", "kind": "trace", "date": "2025-06-02",
                                  "from_state": c["state"], "to_state": "UA", "source": "scenario",
                                  "status": "denied", "items": [{"description": "x", "lots": [f"LOT-{c['n']}"]}]})  # fmt: skip
    if rng.random() < 0.2:  # a second, later inventory of other weapons: the first still counts
        c["inventories"].append(
            {"holder": c["parties"][0]["id"], "as_of": "2025-06-01", "calibres": ["9x19mm"]}
        )
    if rng.random() < 0.2:  # a refused application on the same EUC draws nothing
        refused = copy.deepcopy(c["licences"][0])
        refused.update(licence_number=f"RS-LR-{c['n']}", status="refused", criteria_cited=[7])
        for key in ("valid_from", "valid_until"):
            refused.pop(key, None)
        c["licences"].append(refused)


def generate(cases: int, seed: int = 1, clean_share: float = 0.3) -> tuple[dict[str, Any], Truth]:
    """A bundle of `cases` transfers, most with one injected pattern, and the truth. Screening
    results (B1, F5) are not bundle objects: they come under the bundle's `screenings` key,
    which `facts_from_bundle` reads and an import would refuse."""
    rng = random.Random(seed)
    bundle: dict[str, Any] = {
        "format": "enduse.bundle/1", "description": "generated risk scenarios",
        "authorities": [{"id": "RS-EXPORT", "state": "RS", "functions": ["export_licensing"]}]
        + [a for s in STATES for a in (
            {"id": f"{s}-MOD", "state": s, "functions": ["euc_issuing"],
             "signatories": [{"name": f"Signatory {s}", "position": "Director", "from": "2020-01-01"}]},
            {"id": f"{s}-CUSTOMS", "state": s, "functions": ["dvc_issuing"]})],
        "parties": [{"id": "p-exp", "name": "Exporter", "country": "RS", "kind": "manufacturer"}],
    }  # fmt: skip
    for name in ("inventories", "eucs", "licences", "shipments", "delivery_verifications",
                 "reexport_requests", "observations", "embargoes"):  # fmt: skip
        bundle[name] = []
    truth: Truth = set()
    screenings: dict[str, Any] = {}
    fake_euc_states: list[str] = []
    rules = sorted(PATTERNS)
    spare = iter(sorted(set(countries()) - set(STATES) - {"RS", "UA", "CY", "RU", "BY"}))
    for i in range(cases):
        pattern = rules[i % len(rules)] if rng.random() >= clean_share else None
        state = rng.choice(STATES)
        if pattern in STATE_WIDE:
            own = next(spare, None)  # out of states of their own: the case stays clean
            state, pattern = (own, pattern) if own else (state, None)
        if state not in STATES:
            bundle["authorities"] += [
                {"id": f"{state}-MOD", "state": state, "functions": ["euc_issuing"],
                 "signatories": [{"name": f"Signatory {state}", "position": "Director", "from": "2020-01-01"}]},
                {"id": f"{state}-CUSTOMS", "state": state, "functions": ["dvc_issuing"]},
            ]  # fmt: skip
        case = _base(i, state)
        _near_misses(case, rng)
        if pattern is not None:
            truth |= PATTERNS[pattern](case)
        screenings |= case["screenings"]
        fake_euc_states += case["fake_euc_states"]
        for name in ("parties", "inventories", "eucs", "licences", "shipments", "delivery_verifications",
                     "reexport_requests", "observations", "embargoes"):  # fmt: skip
            bundle[name] += case[name]
    if screenings:
        bundle["screenings"] = screenings
    if fake_euc_states:  # F4 is configuration: the states an authority knows from fake-EUC cases
        bundle["risk_config"] = {"F4": {"states": fake_euc_states}}
    return bundle, truth
