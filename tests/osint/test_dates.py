"""Datelines and the time a transfer's evidence gives, as precise as it says."""

from __future__ import annotations

from enduse.osint.dates import first_date, report_date, transfer_date
from enduse.osint.sentences import split_sentences


def test_first_date_is_as_precise_as_said():
    assert first_date("on 30 September 2025, the delivery") == "2025-09-30"
    assert first_date("Nov. 19, 2024") == "2024-11-19"
    assert first_date("between March and November 2023") == "2023-03"  # its start
    assert first_date("since early 2023") == "2023"
    assert first_date("no date") is None


def test_the_dateline_is_the_fallback():
    sentences = split_sentences("Headline\n\nSOFIA, 6 February 2024 - Rockets were shipped.")
    assert report_date(sentences) == "2024-02-06"
    assert transfer_date(["Rockets were shipped."], "2024-02-06") == "2024-02-06"
    assert transfer_date(["shipped in August 2021"], "2024-02-06") == "2021-08"


def test_a_datelines_date_is_not_the_transfers():
    evidence = ["SOFIA, 6 February 2025 - Rockets were sold in January 2025 to a Polish company."]
    assert transfer_date(evidence, "2025-02-06") == "2025-01"


def test_a_day_that_does_not_exist_keeps_only_its_month():
    assert first_date("MOSCOW, 31 June 2025 - shells") == "2025-06"
    assert first_date("0 March 2025") == "2025-03"
