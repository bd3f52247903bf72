"""Screening a name: candidates from the index, each scored by logic-v2, hits best first."""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from followthemoney import model

from enduse.domain.codes import check_country
from enduse.screening.entities import SCHEMATA
from enduse.screening.features import MAX_NAME_CHARS, entity_keys, name_parts
from enduse.screening.index import CandidateIndex, IndexMissing
from enduse.screening.lists import lists_lock
from enduse.screening.scoring import THRESHOLD, query_entity, score
from enduse.screening.store import ListStore

CANDIDATES = 50  # yente's default number of candidates scored per query


class ScreeningInputError(ValueError):
    """A query that cannot be screened, naming the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True)
class Query:
    name: str
    country: str | None = None
    schema: str = "LegalEntity"
    identifiers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hit:
    id: str
    caption: str
    schema: str
    score: float
    datasets: list[str]
    strength: str
    explanation: dict[str, Any]
    list: str = ""  # the loaded list it came from (`enduse lists load --dataset`)
    countries: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def clean_query(name: Any, country: Any = None, schema: Any = None) -> Query:
    """Refuse, naming the field, what is not a name; control characters become spaces."""
    if not isinstance(name, str):
        raise ScreeningInputError("name", "must be text")
    text = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in name).strip()
    if not text:
        raise ScreeningInputError("name", "is empty")
    if len(text) > MAX_NAME_CHARS:
        raise ScreeningInputError(
            "name", f"is {len(text)} characters long; a name has at most {MAX_NAME_CHARS}"
        )
    if country in ("", None):
        country = None
    else:
        try:
            country = check_country(str(country).strip().upper())
        except ValueError as e:
            raise ScreeningInputError("country", str(e)) from None
    schema = schema or "LegalEntity"
    if schema not in SCHEMATA:
        raise ScreeningInputError("schema", f"{schema!r} is not one of {', '.join(SCHEMATA)}")
    if not name_parts(text, schema):
        raise ScreeningInputError(
            "name", f"{text!r} has nothing to match (only legal forms, titles or punctuation)"
        )
    return Query(text, country, schema)


class Screener:
    """The loaded lists and their index under one directory (`ENDUSE_HOME/screening`)."""

    def __init__(self, directory: Path) -> None:
        self.index = CandidateIndex(directory / "index")
        self.store = ListStore(directory / "lists.sqlite")
        if self.index.store_version != self.store.version:  # a load in progress? wait for it
            with lists_lock(directory):
                self.index = CandidateIndex(directory / "index")
        if self.index.store_version != self.store.version:
            found = self.store.version
            self.store.close()
            raise IndexMissing(
                f"the screening index holds lists version {self.index.store_version}, the lists are "
                f"at {found} (an interrupted load?): run `enduse lists reindex`"
            )

    @property
    def version(self) -> int:
        """The list version hits are found against (the index's)."""
        return self.index.store_version

    def close(self) -> None:
        self.store.close()

    def screen(
        self, query: Query, *, threshold: float = THRESHOLD, candidates: int = CANDIDATES
    ) -> list[Hit]:
        keys = entity_keys([query.name], query.identifiers, query.schema)
        found = self.store.fetch(self.index.candidates(keys, query.schema, candidates))
        probe = query_entity(query.name, query.schema, query.country, query.identifiers)
        hits = []
        for entity in found:
            proxy = model.get_proxy({**entity.data, "id": entity.version_id})
            scored = score(probe, proxy, threshold)
            if scored is None:
                continue
            hits.append(
                Hit(entity.id, entity.caption, entity.schema, round(scored.score, 4),
                    entity.datasets, scored.strength, scored.explanation, entity.dataset,
                    entity.countries)
            )  # fmt: skip
        hits.sort(key=lambda h: (-h.score, h.id))
        return hits
