"""A domain document as a compact signed payload: PREFIX + Base45(zlib(COSE_Sign1(CWT))).

The signed form embeds the parties a document references (id, name, country,
kind) instead of bare ids, so an officer with no registry still sees who the
end user is.
"""

from __future__ import annotations

import copy
import zlib
from datetime import date
from typing import Any

import cbor2

from enduse.docs.base45 import b45encode
from enduse.docs.cose import encode_sign1
from enduse.docs.doctypes import DOCUMENT_CLAIM, DocType, get_path
from enduse.domain.errors import DomainError, Problem
from enduse.domain.party import Party

ISS, EXP, IAT = 1, 4, 6
EMBEDDED_PARTY_FIELDS = ("id", "name", "country", "kind")


_EPOCH = date(1970, 1, 1).toordinal()


def day_start(d: date) -> int:
    """00:00:00Z of the day, in seconds since the epoch (integer arithmetic: it runs per verify)."""
    return (d.toordinal() - _EPOCH) * 86400


def day_end(d: date) -> int:
    """23:59:59Z of the day."""
    return day_start(d) + 86399


def _party_slots(doc: dict[str, Any], field: str) -> list[tuple[str, Any, Any]]:
    """(path, container, key) of every party reference named by `field` ('a' or 'list.b')."""
    head, _, tail = field.partition(".")
    value = doc.get(head)
    if tail:
        if not isinstance(value, list):
            return []
        return [
            (f"{head}[{i}].{tail}", obj, tail)
            for i, obj in enumerate(value)
            if isinstance(obj, dict) and tail in obj
        ]
    if isinstance(value, list):
        return [(f"{head}[{i}]", value, i) for i in range(len(value))]
    return [(head, doc, head)] if value is not None else []


def embed_parties(doc_type: DocType, document: dict[str, Any], parties: dict[str, Party]) -> dict:
    """A copy of the document with each referenced party id replaced by the party itself."""

    out = copy.deepcopy(document)
    out.pop("signed", None)
    missing = []
    for field in doc_type.party_fields:
        for path, container, key in _party_slots(out, field):
            party = parties.get(container[key])
            if party is None:
                missing.append(
                    Problem(f"$.{path}", "dangling_reference", f"no party {container[key]!r}")
                )
                continue
            container[key] = {
                k: v for k, v in party.to_json().items() if k in EMBEDDED_PARTY_FIELDS
            }
    if missing:
        raise DomainError(missing)
    return out


def extract_parties(doc_type: DocType, document: dict[str, Any]) -> tuple[dict, list[Any]]:
    """Undo `embed_parties`: the document with ids again, and the embedded party objects.

    What registering a verified payload needs: the record, and the parties it names.
    Copies only the containers it changes.
    """
    out = dict(document)
    found: list[Any] = []

    def take(value: Any) -> Any:
        if isinstance(value, dict):
            found.append(value)
            return value.get("id")
        return value

    for field in doc_type.party_fields:
        head, _, tail = field.partition(".")
        value = out.get(head)
        if tail and isinstance(value, list):
            out[head] = [
                {**obj, tail: take(obj[tail])} if isinstance(obj, dict) and tail in obj else obj
                for obj in value
            ]
        elif not tail and isinstance(value, list):
            out[head] = [take(v) for v in value]
        elif not tail and value is not None:
            out[head] = take(value)
    return out, found


def claims_for(doc_type: DocType, document: dict[str, Any], iss: str) -> dict[int, Any]:
    issued = get_path(document, doc_type.date_field)
    if not isinstance(issued, str):
        raise DomainError([Problem(f"$.{doc_type.date_field}", "missing", "needed as iat")])
    claims: dict[int, Any] = {ISS: iss, IAT: day_start(date.fromisoformat(issued))}
    if doc_type.expiry_field and document.get(doc_type.expiry_field):
        claims[EXP] = day_end(date.fromisoformat(document[doc_type.expiry_field]))
    claims[DOCUMENT_CLAIM] = document
    return claims


def encode_payload(doc_type: DocType, claims: dict[int, Any], private_key: Any, kid: bytes) -> str:
    body = cbor2.dumps(claims, canonical=True)
    cose = encode_sign1(body, private_key, kid)
    return doc_type.prefix + b45encode(zlib.compress(cose, 9))
