"""The desk's facts follow the registry: caught up record by record after a change, equal to
reading everything again."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from builders import fresh_euc
from enduse.registry import models as m
from enduse.registry.db import session_factory
from enduse.risk.facts import Facts, load_facts
from enduse.web import desk as desk_module
from enduse.web.desk import RANKED_DATES, Desk
from enduse.workflow.eucs import register_euc
from enduse.workflow.licensing import apply, decide
from enduse.workflow.users import get_user
from installation import build_site

INDEXES = ("licences_of_euc", "shipments_of_licence", "dvcs_of_licence", "dvcs_of_shipment",
           "reexports_of_licence", "eucs_of_party", "shipments_of_party", "observations_of_mark")  # fmt: skip


def picture(f: Facts) -> dict:
    out = {name: getattr(f, name) for name in ("parties", "eucs", "licences", "shipments", "dvcs",
                                               "reexports", "observations", "screenings")}  # fmt: skip
    for name in INDEXES:
        out[name] = {k: sorted(v) for k, v in getattr(f, name).items() if v}
    return out


def test_a_change_is_caught_up_without_reading_everything(engine, tmp_path, monkeypatch):
    build_site(engine, tmp_path)
    sessions = session_factory(engine)
    desk = Desk()
    with sessions() as session:
        first = desk.facts(session)
    with sessions() as session, session.begin():
        ivan, bob, olga = (get_user(session, n) for n in ("ivan", "bob", "olga"))
        register_euc(session, ivan, fresh_euc("CZ-MOD-2026-0555"))
        apply(session, bob, {"licence_number": "RS-2026-0555", "exporting_state": "RS",
                             "authority": "RS-EXPORT", "applicant": "p-exporter",
                             "euc": {"issuing_authority": "CZ-MOD", "euc_number": "CZ-MOD-2026-0555"},
                             "items": [{"euc_line": 1, "quantity": 5}]})  # fmt: skip
        decide(session, olga, "RS-2025-0107", "suspended")
    loads = []
    monkeypatch.setattr(desk_module, "load_facts", lambda s: loads.append(1) or load_facts(s))
    with sessions() as session:
        caught_up = desk.facts(session)
        assert caught_up is not first and loads == []  # a copy, brought up to date
        assert picture(caught_up) == picture(load_facts(session))
        assert caught_up.licences["RS-2025-0107"]["status"] == "suspended"
        assert "RS-2026-0555" in caught_up.licences_of_euc["CZ-MOD:CZ-MOD-2026-0555"]


def test_a_change_to_a_global_collection_reads_everything_again(engine, tmp_path, monkeypatch):
    build_site(engine, tmp_path)
    sessions = session_factory(engine)
    desk = Desk()
    with sessions() as session:
        desk.facts(session)
    with sessions() as session, session.begin():  # an authority changed: not caught up
        entry = session.scalars(select(m.LogEntryRow).order_by(m.LogEntryRow.seq)).first()
        session.add(m.LogEntryRow(seq=10_000, entry=entry.entry, record="authorities:RS-EXPORT"))
    loads = []
    monkeypatch.setattr(desk_module, "load_facts", lambda s: loads.append(1) or load_facts(s))
    with sessions() as session:
        desk.facts(session)
    assert loads == [1]


def test_the_dashboard_cache_keeps_a_few_dates_of_the_current_facts_only(engine, tmp_path):
    build_site(engine, tmp_path)
    sessions = session_factory(engine)
    desk = Desk()
    days = [date(2025, 7, 1) + timedelta(days=i) for i in range(12)]
    with sessions() as session:
        for day in days:  # what ?at= asks for: any date
            desk.ranked(session, day, None)
        assert list(desk._ranked) == days[-RANKED_DATES:] and RANKED_DATES <= 4
        desk.ranked(session, days[-RANKED_DATES], None)  # asked again: the most recent now
        desk.ranked(session, days[0], None)
        assert list(desk._ranked)[-2:] == [days[-RANKED_DATES], days[0]]
    with sessions() as session, session.begin():
        decide(session, get_user(session, "olga"), "RS-2025-0107", "suspended")
    with sessions() as session:
        desk.facts(session)
    assert not desk._ranked  # another registry version: none of the old rankings


def test_a_ranking_of_facts_replaced_meanwhile_is_not_kept(engine, tmp_path, monkeypatch):
    build_site(engine, tmp_path)
    sessions = session_factory(engine)
    desk = Desk()
    real = desk.case_risk

    def while_a_change_arrives(facts, number, today):  # type: ignore[no-untyped-def]
        desk._facts = facts.copy()  # another thread caught up with a change
        return real(facts, number, today)

    monkeypatch.setattr(desk, "case_risk", while_a_change_arrives)
    with sessions() as session:
        cases = desk.ranked(session, date(2025, 7, 1), None)
    assert cases and date(2025, 7, 1) not in desk._ranked
