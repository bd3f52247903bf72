"""Reading FtM entity files: party schemata kept, others counted, bad lines named by number."""

from __future__ import annotations

import io
import json

from enduse.screening.entities import MAX_LINE_BYTES, MAX_NAMES, ReadStats, read_entities
from screening_lists import ENTITIES


def read(text: bytes) -> tuple[list, ReadStats]:
    stats = ReadStats()
    return list(read_entities(io.BytesIO(text), stats)), stats


def test_entities_keep_names_countries_identifiers_and_provenance():
    entities, stats = read("\n".join(json.dumps(e) for e in ENTITIES).encode())
    assert [e.id for e in entities] == [
        "os-yugoimport",
        "os-rosoboronexport",
        "os-bout",
        "os-vessel",
    ]
    assert stats.skipped_schemata == {"Sanction": 1} and not stats.bad
    bout = entities[2]
    assert set(bout.names) == {"Viktor Anatolyevich Bout", "Виктор Анатольевич Бут"}
    assert bout.countries == ("ru",) and bout.datasets == ("us_ofac_sdn",)
    assert set(entities[1].identifiers) == {"1117746521452", "7704274402"}
    assert len({e.digest for e in entities}) == 4


def test_bad_lines_are_named_by_number_and_the_rest_still_read():
    lines = [
        json.dumps(ENTITIES[0]),
        "{not json",
        json.dumps({"id": "x", "schema": "Spaceship", "properties": {}}),
        json.dumps({"id": "y", "schema": "Person", "properties": {}}),
        json.dumps({"id": "z", "schema": "Person", "properties": {"name": "Bob"}}),
        json.dumps([1, 2]),
        json.dumps({"id": "", "schema": "Person", "properties": {"name": ["A"]}}),
        "",
        json.dumps(ENTITIES[2]),
    ]
    entities, stats = read("\n".join(lines).encode())
    assert [e.id for e in entities] == ["os-yugoimport", "os-bout"]
    assert [b.line for b in stats.bad] == [2, 3, 4, 5, 6, 7]
    assert "unknown schema 'Spaceship'" in stats.bad[1].message
    assert "needs a name" in stats.bad[2].message


def test_an_overlong_line_is_refused_without_reading_it_whole():
    huge = b'{"id": "' + b"a" * (MAX_LINE_BYTES + 10) + b'"}\n'
    entities, stats = read(huge + json.dumps(ENTITIES[0]).encode())
    assert [e.id for e in entities] == ["os-yugoimport"]
    assert stats.bad[0].line == 1 and "longer than" in stats.bad[0].message
    entities, stats = read(b"\xff\xfe garbage\n")
    assert stats.bad and stats.bad[0].line == 1


def test_deep_nesting_control_characters_and_alias_floods_are_handled():
    deep = "[" * 100_000 + "]" * 100_000
    evil = {"id": "e", "schema": "Person", "caption": "Evil\x1b]0;pwned\x07\x1b[2J",
            "properties": {"name": ["Evil\x1b[2J Name"]}}  # fmt: skip
    flood = {"id": "f", "schema": "Company",
             "properties": {"name": [f"Flood Company {i}" for i in range(500)]}}  # fmt: skip
    entities, stats = read("\n".join([deep, json.dumps(evil), json.dumps(flood)]).encode())
    assert [b.line for b in stats.bad] == [1]
    assert "\x1b" not in entities[0].caption and "\x1b" not in entities[0].names[0]
    assert len(entities[1].names) == MAX_NAMES == len(entities[1].data["properties"]["name"])
