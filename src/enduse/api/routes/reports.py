"""Open-source reports: an analyst submits news text, enduse records each alleged transfer as an
observation and answers with the licences it concerns (G7)."""

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from enduse.api.auth import token_caller
from enduse.api.context import Installation
from enduse.osint.extract import MAX_CHARS
from enduse.risk.config import load_config
from enduse.risk.facts import load_facts
from enduse.risk.rules.reports import g7_findings, links
from enduse.workflow.open_source import record_reports
from enduse.workflow.roles import Action, authorize


class Report(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    text: str = Field(max_length=MAX_CHARS)


class Reports(BaseModel):
    source: str | None = Field(default=None, max_length=200)
    reports: list[Report] = Field(min_length=1, max_length=50)


def router(inst: Installation) -> APIRouter:
    api = APIRouter(tags=["analysis"])
    Caller = token_caller(inst)

    @api.post("/reports", status_code=201)
    def ingest(body: Reports, user: Caller) -> dict[str, Any]:
        """Extract the alleged transfers of each report, record them as `open_source_report`
        observations (again: nothing new), and list the licences they concern (rule G7)."""
        authorize(user, Action.RECORD_OBSERVATION)
        today = datetime.now(UTC).date()
        with inst.sessions() as session, session.begin():
            ingested = record_reports(session, [(r.name, r.text) for r in body.reports],
                                      body.source, today, by=user)  # fmt: skip
        inst.publish()
        with inst.read() as session:
            facts = load_facts(session)
        config = load_config()
        ids = {i.observation["id"] for i in ingested}
        return {
            "observations": [i.as_dict() for i in ingested],
            "links": links(g7_findings(facts, config, today), ids, config.get("G7")),
        }

    return api
