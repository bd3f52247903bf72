"""Applications against the ledger: never above the EUC, even when they race (both databases)."""

from __future__ import annotations

import copy
import json
import threading

import pytest
from sqlalchemy import select

from enduse.domain.errors import DomainError
from enduse.registry.db import session_factory
from enduse.registry.models import LicenceRow, LogEntryRow
from enduse.scenarios import scenario_text
from enduse.workflow.imports import record_bundle
from enduse.workflow.licensing import apply
from enduse.workflow.roles import PermissionDenied
from enduse.workflow.users import add_user, get_user

SEED = json.loads(scenario_text())


@pytest.fixture
def registry(session):
    bundle = copy.deepcopy(SEED)
    fresh = copy.deepcopy(bundle["eucs"][0])
    fresh["euc_number"] = "CZ-MOD-2025-0100"
    fresh["items"] = [dict(fresh["items"][0], quantity=100)]
    bundle["eucs"].append(fresh)
    record_bundle(session, bundle)
    add_user(session, "bob", "exporter", party="p-exporter")
    add_user(session, "mallory", "exporter", party="p-broker")
    session.commit()
    return session


def application(number: str, quantity: int, line: int = 1) -> dict:
    return {
        "licence_number": number,
        "exporting_state": "RS",
        "authority": "RS-EXPORT",
        "applicant": "p-exporter",
        "euc": {"issuing_authority": "CZ-MOD", "euc_number": "CZ-MOD-2025-0100"},
        "items": [{"line": 1, "euc_line": line, "quantity": quantity}],
        "status": "issued",  # an applicant cannot choose its status: it is recorded as applied
    }


def test_applications_draw_on_the_ledger(registry):
    bob = get_user(registry, "bob")
    licence = apply(registry, bob, application("RS-APP-1", 60))
    registry.commit()
    assert licence.status == "applied"
    assert registry.get(LicenceRow, "RS-APP-1").status == "applied"
    assert (
        registry.scalars(select(LogEntryRow.record).order_by(LogEntryRow.seq.desc())).first()
        == "licences:RS-APP-1"
    )
    with pytest.raises(DomainError) as info:
        apply(registry, bob, application("RS-APP-2", 50))
    registry.rollback()
    assert [(p.path, p.reason) for p in info.value.problems] == [
        ("$.items[0].quantity", "overdraw")
    ]
    apply(registry, bob, application("RS-APP-3", 40))
    registry.commit()
    with pytest.raises(DomainError, match="no line 7"):
        apply(registry, bob, application("RS-APP-4", 1, line=7))
    registry.rollback()
    with pytest.raises(DomainError, match=r"already|exists"):
        apply(registry, bob, application("RS-APP-1", 1))
    registry.rollback()


def test_an_exporter_applies_only_for_itself_and_a_fully_licensed_euc_is_exhausted(registry):
    with pytest.raises(PermissionDenied, match="acts for p-broker"):
        apply(registry, get_user(registry, "mallory"), application("RS-APP-9", 1))
    registry.rollback()
    seeded_euc = dict(
        application("RS-APP-8", 1),
        euc={"issuing_authority": "CZ-MOD", "euc_number": "CZ-MOD-2025-0042"},
    )
    with pytest.raises(DomainError, match="0 of 30000 left"):
        apply(registry, get_user(registry, "bob"), seeded_euc)  # RS-2025-0107 holds it all
    registry.rollback()


def test_two_applications_racing_for_the_last_quantity_end_with_one_success(registry, engine):
    sessions = session_factory(engine)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def race(number: str) -> None:
        start.wait()  # both at once: the database decides who queues behind whom
        with sessions() as session:
            bob = get_user(session, "bob")
            try:
                apply(session, bob, application(number, 100))
                session.commit()
                outcomes.append("licensed")
            except DomainError:
                session.rollback()
                outcomes.append("refused")

    threads = [threading.Thread(target=race, args=(f"RS-RACE-{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["licensed", "refused"]


def test_only_the_eucs_exporter_may_apply_to_a_licensing_authority(registry):
    add_user(registry, "broker", "exporter", party="p-broker")
    with pytest.raises(DomainError, match="names 'p-exporter' as exporter"):
        apply(
            registry,
            get_user(registry, "broker"),
            dict(application("RS-APP-20", 1), applicant="p-broker"),
        )
    registry.rollback()
    with pytest.raises(DomainError, match="not an export licensing authority"):
        apply(
            registry,
            get_user(registry, "bob"),
            dict(application("RS-APP-21", 1), authority="CZ-CUSTOMS"),
        )
    registry.rollback()
