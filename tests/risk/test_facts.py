"""Facts copied for a catch-up: the copy changes, readers of the original see nothing move."""

from __future__ import annotations

import copy
import json

from enduse.risk.facts import facts_from_bundle
from enduse.scenarios import scenario_text

SEED = json.loads(scenario_text())


def test_applying_to_a_copy_leaves_the_original_and_its_index_lists_alone():
    facts = facts_from_bundle(copy.deepcopy(SEED))
    before = {name: {k: list(v) for k, v in getattr(facts, name).items()}
              for name in ("shipments_of_licence", "licences_of_euc", "shipments_of_party")}  # fmt: skip
    fresh = facts.copy()
    shipment = dict(next(iter(facts.shipments.values())), shipment_id="SH-NEW")
    licence = dict(facts.licences["RS-2025-0107"], licence_number="RS-NEW")
    fresh.apply("shipments", shipment)
    fresh.apply("licences", licence)
    fresh.apply("licences", dict(facts.licences["RS-2025-0131"], status="suspended"))
    assert "SH-NEW" in fresh.shipments_of_licence[shipment["licence_number"]]
    assert "RS-NEW" in fresh.licences_of_euc["CZ-MOD:CZ-MOD-2025-0042"]
    assert fresh.licences["RS-2025-0131"]["status"] == "suspended"
    for name, index in before.items():  # the lists the original holds did not grow
        assert {k: list(v) for k, v in getattr(facts, name).items()} == index, name
    assert "SH-NEW" not in facts.shipments and facts.licences["RS-2025-0131"]["status"] == "issued"
