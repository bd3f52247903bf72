"""Open-source reports into the registry: every alleged transfer an observation, logged like
any other record, so the risk rules (G7) can hold it against the licences it concerns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from enduse.domain.evidence import Observation
from enduse.osint.dates import report_date
from enduse.osint.extract import extract
from enduse.osint.observations import observation_of
from enduse.osint.sentences import split_sentences
from enduse.registry import models as m
from enduse.workflow.recording import atomic, record_new, validated
from enduse.workflow.roles import Action, User, authorize


@dataclass(frozen=True)
class Ingested:
    file: str
    observation: dict[str, Any]
    new: bool  # False: this report was read before, and the same observation is on record


@atomic
def record_reports(session: Session, reports: list[tuple[str, str]], source: str | None,
                   today: date, by: User | None = None) -> list[Ingested]:  # fmt: skip
    """Extract each report's transfers and record each as an observation; all or nothing."""
    if by is not None:
        authorize(by, Action.RECORD_OBSERVATION)
    out = []
    for name, text in reports:
        published = report_date(split_sentences(text))
        for number, transfer in enumerate(extract(text), start=1):
            doc = observation_of(transfer, text=text, number=number, source=source or name,
                                 published=published, today=today.isoformat())  # fmt: skip
            known = session.scalar(
                select(m.ObservationRow.id).where(m.ObservationRow.id == doc["id"])
            )
            if known is None:
                record_new(session, "observations", validated(Observation, doc), "recorded")
            out.append(Ingested(name, doc, known is None))
    return out
