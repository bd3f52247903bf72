"""Scoring a candidate as yente does: nomenklatura's `logic-v2`, with its explanation.

The score decides; the explanation says why (which features matched, how well),
so an officer sees "['jugoimport'≈'yugoimport' fuzzyMatch: 0.83]" rather than a bare 0.91.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from followthemoney import model
from followthemoney.proxy import EntityProxy
from followthemoney.types import registry
from nomenklatura.matching import LogicV2, ScoringConfig

THRESHOLD = 0.7
_QUERIES = itertools.count(1)
STRONG_SCORE = 0.9
# Features of logic-v2 that match an identifier: one of them at full strength blocks (rule B1).
IDENTIFIER_FEATURES = frozenset({
    "lei_code_match", "ogrn_code_match", "inn_code_match", "bic_code_match", "uei_code_match",
    "npi_code_match", "isin_security_match", "vessel_imo_mmsi_match", "identifier_match",
    "crypto_wallet_address",
})  # fmt: skip
CONFIG = ScoringConfig.defaults()
ALGORITHM = "logic-v2"


@dataclass(frozen=True)
class Scored:
    score: float
    strength: str  # "strong" (blocks, B1) or "review"
    explanation: dict[str, dict[str, Any]]  # feature -> {score, detail}


def query_entity(
    name: str,
    schema: str = "LegalEntity",
    country: str | None = None,
    identifiers: tuple[str, ...] = (),
) -> EntityProxy:
    entity = model.make_entity(schema)
    entity.id = f"query-{next(_QUERIES)}"  # logic-v2 caches by entity id: each query its own
    entity.add("name", name)
    if country:
        entity.add("country", country.lower())
    for value in identifiers:
        entity.add("registrationNumber" if schema != "Person" else "idNumber", value)
    return entity


def score(
    query: EntityProxy, candidate: EntityProxy, threshold: float = THRESHOLD
) -> Scored | None:
    """The candidate's score and explanation, or None below `threshold` (no explanation is
    built for what will not be shown)."""
    result = LogicV2.compare(query, candidate, CONFIG)
    if result.score < threshold and not query.get_type_values(registry.identifier):
        return None  # (a query with identifiers may still match one exactly: see below)
    features = {
        name: {"score": round(r.score, 4), "detail": r.detail}
        for name, r in result.explanations.items()
        if r.score > 0
    }
    identified = any(features.get(f, {}).get("score", 0) >= 0.99 for f in IDENTIFIER_FEATURES)
    if result.score < threshold and not identified:
        return None
    strong = result.score >= STRONG_SCORE or identified  # an exact identifier blocks (B1)
    return Scored(result.score, "strong" if strong else "review", features)
