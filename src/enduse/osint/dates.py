"""When: the report's dateline, and the time a transfer's evidence gives (as precise as said)."""

from __future__ import annotations

import re
from datetime import date

from enduse.osint.sentences import Sentence

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}  # fmt: skip
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
_MONTH = r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
DAY_MONTH_YEAR = re.compile(rf"\b(?P<day>\d{{1,2}})\s+{_MONTH},?\s+(?P<year>(?:19|20)\d\d)\b")
MONTH_DAY_YEAR = re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}}),?\s+(?P<year>(?:19|20)\d\d)\b")
MONTH_YEAR = re.compile(rf"\b{_MONTH}\s+(?P<year>(?:19|20)\d\d)\b")
MONTH_RANGE = re.compile(
    rf"\b(?:between|from)\s+{_MONTH}\s+(?:and|to|until)\s+(?:January|February|March|April|May|"
    rf"June|July|August|September|October|November|December)\s+(?P<year>(?:19|20)\d\d)\b"
)
YEAR = re.compile(r"\b(?P<year>(?:19|20)\d\d)\b")


def _iso(year: str, month: str | None = None, day: str | None = None) -> str:
    """As precise as the text, and only a date that exists ("31 June" falls back to June)."""
    out = year
    if month:
        number = MONTHS[month.lower().rstrip(".")]
        out += f"-{number:02d}"
        if day:
            try:
                date(int(year), number, int(day))
            except ValueError:
                return out
            out += f"-{int(day):02d}"
    return out


def first_date(text: str) -> str | None:
    found = []
    for pattern in (DAY_MONTH_YEAR, MONTH_DAY_YEAR):
        for m in pattern.finditer(text):
            found.append((m.start(), _iso(m.group("year"), m.group("month"), m.group("day"))))
    if not found:
        for m in MONTH_RANGE.finditer(text):  # "between March and November 2023": its start
            found.append((m.start(), _iso(m.group("year"), m.group("month"))))
    if not found:
        for m in MONTH_YEAR.finditer(text):
            found.append((m.start(), _iso(m.group("year"), m.group("month"))))
    if not found:
        for m in YEAR.finditer(text):
            found.append((m.start(), m.group("year")))
    return min(found)[1] if found else None


def report_date(sentences: list[Sentence]) -> str | None:
    """The dateline: the first full date in the first lines."""
    for s in sentences[:4]:
        for pattern in (DAY_MONTH_YEAR, MONTH_DAY_YEAR):
            m = pattern.search(s.text)
            if m:
                return _iso(m.group("year"), m.group("month"), m.group("day"))
    return None


DATELINE = re.compile(r"^[A-Z][A-Z .'/-]+(?:\([^)]*\))?,\s+[^-–—\n]{0,60}?\s[-–—]\s")


def transfer_date(evidence: list[str], published: str | None) -> str | None:
    """The first date the evidence gives for the transfer (not its dateline), else the report's."""
    for text in evidence:
        found = first_date(DATELINE.sub("", text))
        if found:
            return found
    return published
