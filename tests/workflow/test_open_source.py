"""Open-source reports recorded as observations: logged, idempotent, all or nothing, by role."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from enduse.registry.models import LogEntryRow, ObservationRow
from enduse.scenarios import scenario_text
from enduse.workflow.open_source import record_reports
from enduse.workflow.users import get_user

TODAY = date(2025, 7, 1)
REPORT = (
    "Report says Bulgarian rockets reached Ukraine\n\n"
    "SOFIA, 6 February 2025 - Bulgarian plants sold 122 mm Grad rockets to a Polish trading company "
    "in January 2025, from where they were taken on to Ukraine, the daily Der Morgenbote reported."
)


def observations(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ObservationRow)) or 0


def test_each_transfer_becomes_a_logged_observation(desk: Session):
    before, logged = observations(desk), desk.scalar(select(func.count()).select_from(LogEntryRow))
    ingested = record_reports(desk, [("r.txt", REPORT), ("seed", scenario_text("seed-article.txt"))],
                              "test", TODAY, by=get_user(desk, "ann"))  # fmt: skip
    desk.commit()
    assert [(i.observation["from_state"], i.observation["to_state"]) for i in ingested] == [
        ("BG", "UA"), ("RS", "UA")]  # fmt: skip
    rockets, seed = (i.observation for i in ingested)
    assert rockets["via_states"] == ["PL"] and rockets["date"] == "2025-01-01"
    assert rockets["reported"] == "2025-02-06" and rockets["claimants"] == ["Der Morgenbote"]
    assert rockets["items"][0]["calibre"] == "122 mm" and rockets["items"][0]["category"] == "ML4"
    assert seed["via_unnamed"] is True and seed["via_states"] == []
    assert seed["status"] == "alleged" and seed["report_status"] == "alleged"
    assert any("Serbian defense enterprises" in e for e in seed["evidence"])
    assert observations(desk) == before + 2
    assert desk.scalar(select(func.count()).select_from(LogEntryRow)) == logged + 2


def test_reading_a_report_again_records_nothing_new(desk: Session):
    first = record_reports(desk, [("r.txt", REPORT)], None, TODAY)
    again = record_reports(desk, [("copy.txt", REPORT)], None, TODAY)
    assert [i.new for i in first] == [True] and [i.new for i in again] == [False]
    assert first[0].observation["id"] == again[0].observation["id"]
    assert first[0].observation["source"].startswith("r.txt")


def test_only_analysts_and_administrators_record_reports(desk: Session):
    before = observations(desk)
    for name in ("bob", "olga", "carl", "ivan"):
        with pytest.raises(PermissionError):
            record_reports(desk, [("r.txt", REPORT)], None, TODAY, by=get_user(desk, name))
    assert observations(desk) == before
    record_reports(desk, [("r.txt", REPORT)], None, TODAY, by=get_user(desk, "root"))
    assert observations(desk) == before + 1


def test_a_bad_report_leaves_nothing_behind(desk: Session):
    before = observations(desk)
    with pytest.raises(ValueError, match="longer than"):
        record_reports(desk, [("r.txt", REPORT), ("big.txt", "x" * 500_000)], None, TODAY)
    desk.commit()
    assert observations(desk) == before  # the first report was not kept either


def test_a_report_read_again_answers_with_what_is_on_record(desk: Session):
    (first,) = record_reports(desk, [("r.txt", REPORT)], "Source A", TODAY)
    (again,) = record_reports(desk, [("r.txt", REPORT + "\r\n")], "Source B", date(2025, 8, 1))
    assert not again.new and again.observation["source"] == first.observation["source"]
    assert again.observation["source"].startswith("Source A")


def test_the_default_source_is_the_files_name_not_its_path(desk: Session):
    (ingested,) = record_reports(desk, [("/home/ann/reports/r.txt", REPORT)], None, TODAY)
    assert ingested.observation["source"].startswith("r.txt")
