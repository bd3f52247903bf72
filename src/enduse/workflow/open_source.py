"""Open-source reports into the registry: every alleged transfer an observation, logged like
any other record, so the risk rules (G7) can hold it against the licences it concerns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from enduse.domain.evidence import Observation
from enduse.osint.extract import extract_report
from enduse.osint.observations import observation_of
from enduse.registry import models as m
from enduse.workflow.recording import atomic, record_new, validated
from enduse.workflow.roles import Action, User, authorize


@dataclass(frozen=True)
class Ingested:
    file: str
    observation: dict[str, Any]
    new: bool  # False: this report was read before, and the same observation is on record

    def as_dict(self) -> dict[str, Any]:
        return {**self.observation, "file": self.file, "new": self.new}


def record_reports(session: Session, reports: list[tuple[str, str]], source: str | None,
                   today: date, by: User | None = None) -> list[Ingested]:  # fmt: skip
    """Extract each report's transfers, then record each as an observation; all or nothing.

    Extraction runs before the transaction: reading text takes time and needs no lock."""
    if by is not None:
        authorize(by, Action.RECORD_OBSERVATION)
    prepared = []
    for name, text in reports:
        transfers, published = extract_report(text)
        for transfer in transfers:
            doc = observation_of(transfer, text=text,
                                 source=source or Path(name).name, published=published,
                                 today=today.isoformat())  # fmt: skip
            prepared.append((name, validated(Observation, doc)))
    return _record(session, prepared)


@atomic
def _record(session: Session, prepared: list[tuple[str, Observation]]) -> list[Ingested]:
    out = []
    for name, record in prepared:
        row = session.get(m.ObservationRow, record.id)
        if row is None:
            record_new(session, "observations", record, "recorded")
            out.append(Ingested(name, record.to_json(), True))
        else:  # read before: what is on record, not what this reading would have made
            out.append(Ingested(name, dict(row.document), False))
    return out
