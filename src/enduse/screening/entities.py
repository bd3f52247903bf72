"""Sanctions and denial list entries, read from FollowTheMoney entity files.

OpenSanctions' export format: one JSON entity per line (`entities.ftm.json`).
Only the schemata a transfer's party can be are kept; the rest of an export
(sanctions, addresses, ownership links) is counted and skipped. A malformed
line is reported with its number, never loaded half-way.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from followthemoney import model
from followthemoney.exc import InvalidData
from followthemoney.types import registry

SCHEMATA = ("Person", "Company", "Organization", "LegalEntity", "Vessel", "Airplane")
MAX_LINE_BYTES = 4 << 20  # one entity; OpenSanctions' largest are well under 1 MiB
MAX_ID_CHARS = 200
# logic-v2 compares every name with every name: an entity with thousands of aliases would cost
# seconds per query that retrieves it. The first ones are kept (OpenSanctions' largest have
# a few hundred), and the cut is counted.
MAX_NAMES = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """List data reaches terminals: no control characters (escape sequences) in it."""
    return _CONTROL.sub(" ", text)


@dataclass(frozen=True)
class ListEntity:
    id: str
    schema: str
    caption: str
    names: tuple[str, ...]
    countries: tuple[str, ...]
    identifiers: tuple[str, ...]
    datasets: tuple[str, ...]
    data: dict[str, Any]  # the entity as FtM JSON (id, schema, properties): what scoring reads
    digest: bytes = field(repr=False, default=b"")  # what a reload compares to find changes


@dataclass(frozen=True)
class BadLine:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class EntityFileError(ValueError):
    """Lines that are not FtM entities; nothing was loaded."""

    def __init__(self, bad: list[BadLine]) -> None:
        self.bad = bad
        shown = "; ".join(str(b) for b in bad[:5])
        more = f" (and {len(bad) - 5} more)" if len(bad) > 5 else ""
        super().__init__(f"{len(bad)} bad lines: {shown}{more}")


@dataclass
class ReadStats:
    lines: int = 0
    entities: int = 0
    skipped_schemata: dict[str, int] = field(default_factory=dict)
    bad: list[BadLine] = field(default_factory=list)


def parse_entity(data: Any) -> ListEntity | None:
    """A list entity, None for a schema no party can have; ValueError when malformed."""
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    entity_id, schema_name = data.get("id"), data.get("schema")
    if not isinstance(entity_id, str) or not entity_id or len(entity_id) > MAX_ID_CHARS:
        raise ValueError(f"id must be a string of 1 to {MAX_ID_CHARS} characters")
    if not isinstance(schema_name, str):
        raise ValueError("schema must be a string")
    properties = data.get("properties", {})
    if not isinstance(properties, dict) or not all(
        isinstance(v, list) and all(isinstance(x, str) for x in v) for v in properties.values()
    ):
        raise ValueError("properties must map names to lists of strings")
    schema = model.get(schema_name)
    if schema is None:
        raise ValueError(f"unknown schema {schema_name!r}")
    if schema.name not in SCHEMATA:
        return None
    try:
        proxy = model.get_proxy({"id": entity_id, "schema": schema_name, "properties": properties})
    except InvalidData as e:
        raise ValueError(str(e)) from None
    names = tuple(dict.fromkeys(printable(n) for n in proxy.get_type_values(registry.name)))
    if not names:
        raise ValueError("an entity to screen against needs a name")
    if len(names) > MAX_NAMES:
        names = names[:MAX_NAMES]
        properties = _first_names(properties, set(names))
        proxy = model.get_proxy({"id": entity_id, "schema": schema_name, "properties": properties})
    datasets = data.get("datasets", [])
    if not isinstance(datasets, list) or not all(isinstance(d, str) for d in datasets):
        raise ValueError("datasets must be a list of strings")
    body = proxy.to_dict()
    canonical = json.dumps([body, sorted(datasets)], sort_keys=True, ensure_ascii=False)
    return ListEntity(
        id=entity_id,
        schema=schema.name,
        caption=printable(str(data.get("caption") or proxy.caption)),
        names=names,
        countries=tuple(dict.fromkeys(proxy.get_type_values(registry.country))),
        identifiers=tuple(dict.fromkeys(proxy.get_type_values(registry.identifier))),
        datasets=tuple(datasets),
        data={"id": entity_id, "schema": schema.name, "properties": body["properties"]},
        digest=hashlib.sha256(canonical.encode("utf-8")).digest()[:16],
    )


def _first_names(properties: dict[str, list[str]], kept: set[str]) -> dict[str, list[str]]:
    name_props = {
        p.name for p in model.get("LegalEntity").properties.values() if p.type == registry.name
    }
    return {
        k: [v for v in values if printable(v) in kept] if k in name_props else values
        for k, values in properties.items()
    }


def read_entities(stream: IO[bytes], stats: ReadStats) -> Iterator[ListEntity]:
    """Entities of an FtM JSON-lines stream; bad lines are collected in `stats.bad`."""
    number = 0
    while True:
        raw = stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        stats.lines = number
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            stats.bad.append(BadLine(number, f"longer than {MAX_LINE_BYTES} bytes"))
            while raw and not raw.endswith(b"\n"):  # skip the rest of the line, bounded reads
                raw = stream.readline(MAX_LINE_BYTES)
            continue
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
            entity = parse_entity(data)
        except (
            ValueError,
            UnicodeDecodeError,
            RecursionError,
        ) as e:  # JSONDecodeError: a ValueError
            stats.bad.append(BadLine(number, str(e).splitlines()[0][:200]))
            continue
        if entity is None:
            schema = str(data.get("schema"))
            stats.skipped_schemata[schema] = stats.skipped_schemata.get(schema, 0) + 1
            continue
        stats.entities += 1
        yield entity
