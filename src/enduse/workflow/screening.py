"""Every party of every case screened: when it is recorded, and again when the lists change.

A party is screened against the loaded sanctions lists (the index) and against
the denials other states shared (the registry's `denials[]`, scored by the same
logic-v2, directly: they are few). Each screening is kept with the versions it
was made against, also when nothing was found, so a case decided on a given
day shows what was known that day. Screening is analysis, not a document:
it changes no record and adds no log entry.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from followthemoney import model
from followthemoney.proxy import EntityProxy
from sqlalchemy import func, select, text, tuple_
from sqlalchemy.orm import Session

from enduse.registry import models as m
from enduse.screening.features import MAX_NAME_CHARS
from enduse.screening.scoring import THRESHOLD, query_entity, score
from enduse.screening.screen import Hit, Query, Screener, clean_query

# What a party's kind says about the entity it can match.
SCHEMA_OF_KIND = {
    "individual": "Person", "government": "Organization", "ngo": "Organization",
    "manufacturer": "Company", "company": "Company", "broker": "Company",
    "freight_forwarder": "Company", "carrier": "Company", "bank": "Company",
}  # fmt: skip
STRENGTH_ORDER = {"strong": 2, "review": 1}
# A party none of whose names can be screened is not clear: a person must look at it.
UNSCREENED = "unscreened"


@dataclass(frozen=True)
class Versions:
    lists: int
    denials: int


def versions(session: Session, screener: Screener | None) -> Versions:
    denials = session.scalar(select(func.max(m.DenialRow.ordinal))) or 0
    return Versions(screener.version if screener else 0, denials)


def denial_entities(session: Session) -> list[tuple[EntityProxy, dict[str, Any]]]:
    out = []
    for row in session.scalars(select(m.DenialRow).order_by(m.DenialRow.ordinal)):
        d = row.document
        proxy = model.make_entity("LegalEntity")
        # logic-v2 caches a candidate's names by its id: the id must change when the content does
        digest = hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()[:16]
        proxy.id = f"denial:{d['id']}:{digest}"
        proxy.add("name", d["party_name"])
        if d.get("party_country"):
            proxy.add("country", d["party_country"].lower())
        out.append((proxy, d))
    return out


def _party_queries(party: dict[str, Any]) -> list[Query]:
    schema = SCHEMA_OF_KIND.get(party.get("kind", ""), "LegalEntity")
    identifiers = (party["registration_id"],) if party.get("registration_id") else ()
    queries = []
    for name in dict.fromkeys([party["name"], *party.get("aliases", [])]):
        try:  # an overlong name is screened on its beginning, never skipped
            q = clean_query(name[:MAX_NAME_CHARS], party.get("country"), schema)
        except ValueError:
            continue  # a name with nothing to match (only a legal form): see UNSCREENED
        queries.append(Query(q.name, q.country, q.schema, identifiers))
    return queries


def screen_party(
    queries: list[Query],
    screener: Screener | None,
    denials: list[tuple[EntityProxy, dict[str, Any]]],
) -> list[Hit]:
    """Hits for a party under any of its names (`_party_queries`), best score per listed
    entity, best first."""
    best: dict[tuple[str, str], Hit] = {}
    for query in queries:
        found = screener.screen(query) if screener else []
        probe = query_entity(query.name, query.schema, query.country, query.identifiers)
        for proxy, denial in denials:
            scored = score(probe, proxy, THRESHOLD)
            if scored is not None:
                found.append(
                    Hit(denial["id"], denial["party_name"], "LegalEntity", round(scored.score, 4),
                        [f"denials:{denial['denying_state']}"], scored.strength, scored.explanation,
                        "denials", [denial["party_country"]] if denial.get("party_country") else [])
                )  # fmt: skip
        for hit in found:
            key = (hit.list, hit.id)
            if key not in best or hit.score > best[key].score:
                best[key] = hit
    return sorted(best.values(), key=lambda h: (-h.score, h.list, h.id))


def screen_pending(session: Session, screener: Screener | None, *, limit: int | None = None) -> int:
    """Screen every party not yet screened against the current lists and denials."""
    if (
        session.get_bind().dialect.name == "postgresql"
    ):  # two screeners would screen one party twice
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext('enduse.screening'))"))
    now = versions(session, screener)
    done = select(m.ScreeningRow.party).where(
        tuple_(m.ScreeningRow.list_version, m.ScreeningRow.denials_version)
        == (now.lists, now.denials)
    )
    query = select(m.PartyRow).where(m.PartyRow.id.not_in(done)).order_by(m.PartyRow.ordinal)
    if limit is not None:
        query = query.limit(limit)
    parties = list(session.scalars(query))
    if not parties:
        return 0
    denials = denial_entities(session)
    for party in parties:
        queries = _party_queries(party.document)
        hits = screen_party(queries, screener, denials)
        strongest = max((h.strength for h in hits), key=STRENGTH_ORDER.__getitem__, default=None)
        if not queries:
            strongest = UNSCREENED
        session.add(
            m.ScreeningRow(
                party=party.id, list_version=now.lists, denials_version=now.denials,
                screened_at=datetime.now(UTC), hits=[h.as_dict() for h in hits], strongest=strongest,
            )
        )  # fmt: skip
    session.flush()
    return len(parties)


def screenings_of(session: Session, party: str, at: datetime | None = None) -> list[m.ScreeningRow]:
    """A party's screenings, newest first; with `at`, only what was known by then."""
    query = select(m.ScreeningRow).where(m.ScreeningRow.party == party)
    if at is not None:
        at = at if at.tzinfo else at.replace(tzinfo=UTC)  # a moment without a zone is UTC
        if session.get_bind().dialect.name == "sqlite":  # stored as naive UTC there
            try:
                at = at.astimezone(UTC).replace(tzinfo=None)
            except (OverflowError, ValueError):  # past year 1 or 9999 once in UTC
                at = datetime.min if at.year < 5000 else datetime.max
        query = query.where(m.ScreeningRow.screened_at <= at)
    return list(
        session.scalars(query.order_by(m.ScreeningRow.screened_at.desc(), m.ScreeningRow.pk.desc()))
    )
