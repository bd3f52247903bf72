"""Each rule fires on the pattern it names, injected into the seed scenario, on the subject
DOMAIN.md gives it; and the seed's own clean parts stay clean."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from enduse.domain.bundle import load_bundle_text
from enduse.risk.config import load_config
from enduse.risk.engine import evaluate
from enduse.risk.facts import Facts, facts_from_bundle
from enduse.scenarios import scenario_text

SEED = json.loads(scenario_text())
DAY = date(2025, 7, 1)
CZ_EUC, BG_EUC = "CZ-MOD:CZ-MOD-2025-0042", "BG-MOD:BG-MOD-2025-0310"
Bundle = dict[str, Any]


def findings(
    bundle: Bundle, config: dict | None = None, facts_hook: Callable[[Facts], None] | None = None
):  # type: ignore[no-untyped-def]
    load_bundle_text(json.dumps(bundle))  # the injected pattern is still a valid bundle
    facts = facts_from_bundle(bundle)
    if facts_hook:
        facts_hook(facts)
    return {
        (f.rule, f.subject_type, f.subject_id)
        for f in evaluate(facts, config or load_config(), DAY)
    }


def euc(b: Bundle, i: int = 0) -> Bundle:
    return b["eucs"][i]


PATTERNS: list[tuple[str, Callable[[Bundle], None], tuple[str, str, str]]] = [
    ("A1", lambda b: b["licences"].append({**copy.deepcopy(b["licences"][0]), "licence_number": "RS-X"}),
     ("A1", "euc", CZ_EUC)),
    ("A2", lambda b: euc(b).update(end_user_signatory={"name": "Somebody Else"}), ("A2", "euc", CZ_EUC)),
    ("A3", lambda b: euc(b).pop("valid_until"), ("A3", "euc", CZ_EUC)),
    ("A4", lambda b: euc(b).update(end_use="Defence purposes."), ("A4", "euc", CZ_EUC)),
    ("A6", lambda b: euc(b).update(document_type="CERTIFIED_EUS"), ("A6", "euc", CZ_EUC)),
    ("A8", lambda b: euc(b).pop("reexport_clause"), ("A8", "euc", CZ_EUC)),
    ("B2", lambda b: euc(b).update(consignees=["p-broker"]), ("B2", "party", "p-broker")),
    ("B7", lambda b: b["parties"][1].update(kind="company"), ("B7", "party", "p-army-cz")),
    ("C3", lambda b: b["parties"][2].update(name="Border Police Directorate"),
     ("C3", "licence", "RS-2025-0131")),
    ("D1", lambda b: b["inventories"][1].update(annual_need={"122mm": 2000}), ("D1", "licence", "RS-2025-0131")),
    ("D5", lambda b: b["shipments"][1]["items"][0].update(quantity=12500), ("D5", "shipment", "SH-2025-0002")),
    ("E1", lambda b: b["shipments"][1].update(route=["RS", "RO", "BG"]), ("E1", "shipment", "SH-2025-0002")),
    ("E2", lambda b: b["shipments"][1].update(route=["RS", "BG", "UA"]), ("E2", "shipment", "SH-2025-0002")),
    ("E6", lambda b: b["shipments"][1].update(date="2025-03-01"), ("E6", "shipment", "SH-2025-0002")),
    ("F1", lambda b: b["embargoes"].append({"target_state": "BG", "regime": "UN", "scope": "all",
                                            "from": "2025-01-01", "source": "test"}),
     ("F1", "licence", "RS-2025-0131")),
    ("F2", lambda b: b["observations"].append({"id": "obs-x", "kind": "seizure", "date": "2025-01-05",
                                               "from_state": "CZ", "to_state": "UA", "source": "t",
                                               "status": "confirmed"}),
     ("F2", "licence", "RS-2025-0107")),
    ("G2", lambda b: b["delivery_verifications"][0].update(delivered_to="p-broker"),
     ("G2", "shipment", "SH-2025-0002")),
    ("G3", lambda b: b["delivery_verifications"][0].update(issuing_authority="CZ-CUSTOMS"),
     ("G3", "shipment", "SH-2025-0002")),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "inject", "expected"), PATTERNS, ids=[p[0] for p in PATTERNS])
def test_each_rule_fires_on_its_pattern(rule, inject, expected):
    clean = findings(copy.deepcopy(SEED))
    assert expected not in clean
    bundle = copy.deepcopy(SEED)
    inject(bundle)
    assert expected in findings(bundle)


def test_configured_states_and_screening_hits():
    config = load_config()
    config["F4"] = {"states": ["CZ"]}
    assert ("F4", "licence", "RS-2025-0107") in findings(copy.deepcopy(SEED), config)

    def screened(facts: Facts) -> None:
        facts.screenings["p-broker"] = {
            "hits": [
                {
                    "id": "os-1",
                    "caption": "Danube Defence",
                    "score": 0.95,
                    "strength": "strong",
                    "list": "os",
                    "datasets": ["eu_fsf"],
                }
            ]
        }
        facts.screenings["p-army-bg"] = {"hits": [{"id": "den-1", "caption": "Land Forces", "score": 0.8,
                                                   "strength": "review", "list": "denials",
                                                   "datasets": ["denials:DE"]}]}  # fmt: skip

    got = findings(copy.deepcopy(SEED), facts_hook=screened)
    assert ("B1", "party", "p-broker") in got and ("F5", "party", "p-army-bg") in got
    assert ("B1", "party", "p-army-bg") not in got  # a denial is F5, not a sanctions match


def test_f1_blocks():
    bundle = copy.deepcopy(SEED)
    bundle["embargoes"].append({"target_state": "CZ", "regime": "EU", "scope": ["ML3"], "from": "2020-01-01",
                                "source": "test"})  # fmt: skip
    facts = facts_from_bundle(bundle)
    f1 = [f for f in evaluate(facts, load_config(), DAY) if f.rule == "F1"]
    assert [(f.subject_id, f.blocks) for f in f1] == [("RS-2025-0107", True)]


def test_c2_a_system_the_end_user_does_not_operate():
    bundle = copy.deepcopy(SEED)
    bundle["inventories"][1]["systems"] = ["D-30 howitzer", "T-72 tank"]
    assert ("C2", "licence", "RS-2025-0131") in findings(bundle)
    bundle["inventories"][1]["systems"].append("BM-21 Grad")
    assert ("C2", "licence", "RS-2025-0131") not in findings(bundle)


def test_a5_signed_form_that_disagrees_or_does_not_verify(tmp_path):
    from builders import make_pki, with_claims
    from enduse.docs.signing import sign_euc

    pki = make_pki(tmp_path)
    parsed = load_bundle_text(json.dumps(SEED)).bundle
    payload = sign_euc(parsed, "CZ-MOD-2025-0042", pki, "CZ-MOD")
    bundle = copy.deepcopy(SEED)
    bundle["eucs"][0]["signed"] = payload

    def trusted(facts: Facts) -> None:
        facts.trust = pki.store()

    assert ("A5", "euc", CZ_EUC) not in findings(bundle, facts_hook=trusted)
    bundle["eucs"][0]["items"][0]["quantity"] = 300000  # the record says more than was signed
    assert ("A5", "euc", CZ_EUC) in findings(bundle)

    def more(claims):  # type: ignore[no-untyped-def]
        claims[-70000]["items"][0]["quantity"] = 300000

    bundle["eucs"][0]["signed"] = with_claims(payload, more)  # content agrees, signature does not
    facts = facts_from_bundle(bundle)
    trusted(facts)
    a5 = [f for f in evaluate(facts, load_config(), DAY) if f.rule == "A5"]
    assert a5 and "bad_signature" in a5[0].message
