"""Every party screened when recorded and again when lists change; what was known, kept (both databases)."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from enduse.registry.models import ScreeningRow
from enduse.scenarios import scenario_text
from enduse.screening.lists import load_list
from enduse.screening.screen import Screener
from enduse.workflow.imports import record_bundle
from enduse.workflow.screening import screen_pending, screenings_of, versions
from screening_lists import write_list

DENIAL = {"id": "den-1", "denying_state": "DE", "date": "2024-11-02",
          "party_name": "Danube Defense Trading Limited", "party_country": "CY",
          "goods": "small arms ammunition", "criteria": [7]}  # fmt: skip
LISTED = [
    {"id": "os-sumadija", "schema": "Company", "properties": {"name": ["Sumadija Munitions"],
     "country": ["rs"]}, "datasets": ["xx_national"]},
    {"id": "os-other", "schema": "Person", "properties": {"name": ["Somebody Else"]}, "datasets": ["peps"]},
]  # fmt: skip


@pytest.fixture
def seeded(session):
    bundle = copy.deepcopy(json.loads(scenario_text()))
    bundle["denials"] = [DENIAL]
    record_bundle(session, bundle)
    session.commit()
    return session


def test_parties_are_screened_against_denials_and_then_against_loaded_lists(seeded, tmp_path):
    assert screen_pending(seeded, None) == 6
    seeded.commit()
    assert screen_pending(seeded, None) == 0  # nothing new: nothing screened twice
    broker = screenings_of(seeded, "p-broker")
    assert len(broker) == 1 and broker[0].strongest in ("strong", "review")
    assert broker[0].hits[0]["id"] == "den-1" and broker[0].hits[0]["list"] == "denials"
    assert broker[0].hits[0]["datasets"] == ["denials:DE"]
    assert (broker[0].list_version, broker[0].denials_version) == (0, 1)
    assert screenings_of(seeded, "p-army-cz")[0].strongest is None  # screened, and clear
    first_round = datetime.now(UTC)

    load_list(tmp_path, write_list(tmp_path / "list.json", LISTED), "national")
    screener = Screener(tmp_path)
    assert versions(seeded, screener).lists == 1
    assert screen_pending(seeded, screener) == 6  # the lists changed: everybody again
    seeded.commit()
    exporter = screenings_of(seeded, "p-exporter")
    assert [s.list_version for s in exporter] == [1, 0]
    assert exporter[0].hits[0]["id"] == "os-sumadija" and exporter[0].hits[0]["list"] == "national"
    assert exporter[1].hits == []  # what was known before the list arrived
    known_then = screenings_of(seeded, "p-exporter", at=first_round)
    assert [s.list_version for s in known_then] == [0]
    assert screenings_of(seeded, "p-exporter", at=first_round - timedelta(days=1)) == []
    screener.close()


def test_a_party_is_screened_under_its_aliases_too(seeded, tmp_path):
    cyrillic_only = [{"id": "os-cyr", "schema": "Company", "properties": {
        "name": ["Шумадија муниција"], "country": ["rs"]}, "datasets": ["xx"]}]  # fmt: skip
    load_list(tmp_path, write_list(tmp_path / "list.json", cyrillic_only), "cyr")
    screener = Screener(tmp_path)
    screen_pending(seeded, screener, limit=1)  # p-exporter comes first
    rows = seeded.scalars(select(ScreeningRow)).all()
    assert [r.party for r in rows] == ["p-exporter"]
    assert rows[0].hits[0]["id"] == "os-cyr"
    screener.close()


def test_a_party_with_nothing_to_screen_is_unscreened_not_clear(seeded):
    from enduse.registry.models import PartyRow

    party = seeded.get(PartyRow, "p-broker")
    party.document = {**party.document, "name": "OOO", "aliases": []}  # only a legal form
    long_party = seeded.get(PartyRow, "p-forwarder")
    long_party.document = {
        **long_party.document,
        "name": "Danube Defense Trading Limited",
        "aliases": ["x" * 600],
    }
    seeded.commit()
    screen_pending(seeded, None)
    assert screenings_of(seeded, "p-broker")[0].strongest == "unscreened"
    forwarder = screenings_of(seeded, "p-forwarder")[0]  # an overlong alias is cut, not fatal
    assert forwarder.hits[0]["id"] == "den-1" and forwarder.strongest != "unscreened"
