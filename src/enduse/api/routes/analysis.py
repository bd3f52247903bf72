"""Analysis over the registry: risk reports, traces, screening. Read-only, for the roles that
analyse (licensing officers, analysts, administrators)."""

from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query

from enduse.api.auth import token_caller
from enduse.api.context import Installation
from enduse.api.errors import Conflict, NotFound
from enduse.domain.errors import DomainError, Problem
from enduse.registry import models as m
from enduse.risk.config import load_config
from enduse.risk.engine import evaluate, report
from enduse.risk.facts import load_facts
from enduse.risk.scope import case_subjects
from enduse.risk.trace import trace_licence, trace_mark
from enduse.screening.index import IndexMissing
from enduse.screening.screen import Screener, ScreeningInputError, clean_query
from enduse.screening.store import StoreError
from enduse.workflow.roles import Action, authorize
from enduse.workflow.screening import screenings_of

Id = Annotated[str, Query(max_length=120)]


def risk_of(inst: Installation, licence: str | None, at: date | None) -> dict[str, Any]:
    """The red flags of one case (its neighbourhood, findings about it), or of everything."""
    with inst.read() as session:
        facts = load_facts(session)
    if licence is not None and licence not in facts.licences:
        raise NotFound("$.licence", f"no licence {licence!r}")
    today = at or datetime.now(UTC).date()
    findings = evaluate(facts.around(licence) if licence else facts, load_config(), today)
    if licence:
        scope = case_subjects(facts, licence)
        findings = [f for f in findings if (f.subject_type, f.subject_id) in scope]
    return report(findings)


def screen_name(
    inst: Installation, name: str, country: str | None, schema: str | None
) -> dict[str, Any]:
    try:
        query = clean_query(name, country, schema)
    except ScreeningInputError as e:
        raise DomainError([Problem(f"$.{e.field}", "invalid_query", str(e))]) from None
    if inst.lists is None:
        raise Conflict("no_lists", "no screening lists are configured on this server")
    try:
        screener = Screener(inst.lists)
    except (IndexMissing, StoreError, OSError) as e:
        raise Conflict("no_lists", f"screening lists unavailable: {e}") from None
    try:
        hits = screener.screen(query)
        version = screener.version
    finally:
        screener.close()
    return {
        "query": {"name": query.name, "country": query.country, "schema": query.schema},
        "lists_version": version,
        "hits": [h.as_dict() for h in hits],
    }


def router(inst: Installation) -> APIRouter:
    api = APIRouter(tags=["analysis"])
    Caller = token_caller(inst)

    @api.get("/risk")
    def risk_report(
        user: Caller, licence: Id | None = None, at: date | None = None
    ) -> dict[str, Any]:
        """Red flags with their evidence: one case's (`licence`) or the whole registry's."""
        authorize(user, Action.REPORT)
        return risk_of(inst, licence, at)

    @api.get("/trace")
    def trace(user: Caller, licence: Id | None = None, lot: Id | None = None) -> dict[str, Any]:
        """Where a licence's goods went (`licence`), or where a lot or serial came from (`lot`)."""
        authorize(user, Action.REPORT)
        if (licence is None) == (lot is None):
            raise DomainError([Problem("$.licence", "missing", "give licence or lot, one of them")])
        with inst.read() as session:
            facts = load_facts(session)
        if licence is not None:
            if licence not in facts.licences:
                raise NotFound("$.licence", f"no licence {licence!r}")
            return trace_licence(facts, licence)
        return trace_mark(facts, lot or "")

    @api.get("/screening")
    def screen(
        user: Caller,
        name: Annotated[str, Query(max_length=600)],
        country: Annotated[str | None, Query(max_length=8)] = None,
        schema: Annotated[str | None, Query(max_length=40)] = None,
    ) -> dict[str, Any]:
        """Screen a name against the loaded sanctions lists (logic-v2 scores, explained)."""
        authorize(user, Action.REPORT)
        return screen_name(inst, name, country, schema)

    @api.get("/parties/{party}/screenings")
    def party_screenings(
        party: str, user: Caller, at: datetime | None = None
    ) -> list[dict[str, Any]]:
        """A registry party's screenings, newest first; with `at`, what was known by then."""
        authorize(user, Action.REPORT)
        with inst.read() as session:
            if session.get(m.PartyRow, party) is None:
                raise NotFound("$.party", f"no party {party!r}")
            return [
                {"screened_at": row.screened_at.isoformat(), "list_version": row.list_version,
                 "denials_version": row.denials_version, "strongest": row.strongest,
                 "hits": row.hits}
                for row in screenings_of(session, party, at)
            ]  # fmt: skip

    return api
