"""Import and export `enduse.bundle/1`: strict, all or nothing, and lossless.

Import validates the whole bundle first (structure, duplicates within it and
against the registry, references to the bundle or the registry) and writes
only if nothing is wrong, inside the caller's transaction. Facts that merely
look wrong (over-quantity, late shipments) are recorded: the risk engine must
see them. Export writes every object back exactly as it was recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select, text, tuple_
from sqlalchemy.orm import Session

from enduse.domain.bundle import FORMAT, Bundle, Key, ParsedBundle, parse_bundle
from enduse.domain.errors import DomainError, Problem
from enduse.registry import models as m

# BUNDLE.md's lists, in the order import writes them (references point backwards).
COLLECTIONS: list[tuple[str, type[m.Recorded]]] = [
    ("authorities", m.AuthorityRow),
    ("parties", m.PartyRow),
    ("inventories", m.InventoryRow),
    ("eucs", m.EucRow),
    ("licences", m.LicenceRow),
    ("shipments", m.ShipmentRow),
    ("delivery_verifications", m.DeliveryVerificationRow),
    ("reexport_requests", m.ReexportRequestRow),
    ("observations", m.ObservationRow),
    ("denials", m.DenialRow),
    ("embargoes", m.EmbargoRow),
]


@dataclass(frozen=True)
class Recorded:
    """One object as recorded: what the log entry of its registration commits to."""

    collection: str
    key: str  # "eucs:CZ-MOD:CZ-MOD-2025-0042", "licences:RS-2025-0107", ...
    state: str | None  # the state whose record it is, where the object names one
    document: dict[str, Any]
    signed: str | None


@dataclass(frozen=True)
class Imported:
    counts: dict[str, int]
    warnings: tuple[Problem, ...]


def known_in(session: Session) -> Callable[[str, Key], bool]:
    """Whether the registry holds a record of a kind: what a reference may point at."""

    def known(kind: str, key: Key) -> bool:
        if kind == "euc":
            authority, number = key  # type: ignore[misc]
            query = select(m.EucRow.pk).where(
                m.EucRow.issuing_authority == authority, m.EucRow.euc_number == number
            )
        else:
            column = {
                "party": m.PartyRow.id,
                "authority": m.AuthorityRow.id,
                "licence": m.LicenceRow.licence_number,
                "shipment": m.ShipmentRow.shipment_id,
                "dvc": m.DeliveryVerificationRow.dvc_number,
            }[kind]
            query = select(column).where(column == key)
        return session.execute(query).first() is not None

    return known


def _already_registered(session: Session, bundle: Bundle) -> list[Problem]:
    """Identities the registry already holds: a bundle adds records, it never overwrites them."""
    checks: list[tuple[str, Any, list[Any], str]] = [
        ("authorities", m.AuthorityRow.id, [a.id for a in bundle.authorities], "authority id"),
        ("parties", m.PartyRow.id, [p.id for p in bundle.parties], "party id"),
        ("licences", m.LicenceRow.licence_number, [x.licence_number for x in bundle.licences], "licence number"),
        ("shipments", m.ShipmentRow.shipment_id, [s.shipment_id for s in bundle.shipments], "shipment id"),
        ("delivery_verifications", m.DeliveryVerificationRow.dvc_number,
         [d.dvc_number for d in bundle.delivery_verifications], "DVC number"),
        ("reexport_requests", m.ReexportRequestRow.request_id,
         [r.request_id for r in bundle.reexport_requests], "request id"),
        ("observations", m.ObservationRow.id, [o.id for o in bundle.observations], "observation id"),
        ("denials", m.DenialRow.id, [d.id for d in bundle.denials], "denial id"),
    ]  # fmt: skip
    problems = []
    for name, column, keys, what in checks:
        present = set()
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            present |= set(session.scalars(select(column).where(column.in_(chunk))))
        problems += [
            Problem(f"$.{name}[{i}]", "duplicate", f"{what} {k!r} is already in the registry")
            for i, k in enumerate(keys)
            if k in present
        ]
    euc_keys = [(e.issuing_authority, e.euc_number) for e in bundle.eucs]
    present_eucs: set[tuple[str, str]] = set()
    for start in range(0, len(euc_keys), 500):
        chunk = euc_keys[start : start + 500]
        rows = session.execute(
            select(m.EucRow.issuing_authority, m.EucRow.euc_number).where(
                tuple_(m.EucRow.issuing_authority, m.EucRow.euc_number).in_(chunk)
            )
        )
        present_eucs |= {(a, n) for a, n in rows}
    problems += [
        Problem(f"$.eucs[{i}]", "duplicate", f"EUC {k[1]!r} of {k[0]} is already in the registry")
        for i, k in enumerate(euc_keys)
        if k in present_eucs
    ]
    return problems


def lock_recording(session: Session) -> None:
    """Recording order (`ordinal`) is one sequence: writers queue here on PostgreSQL (SQLite's
    BEGIN IMMEDIATE already lets one writer in at a time)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext('enduse.registry.record'))"))


def next_ordinal(session: Session, row_type: type[m.Recorded]) -> int:
    return (session.scalar(select(func.max(row_type.ordinal))) or 0) + 1


CHUNK = 5000  # records per batch of inserts: bounds memory, keeps statements large


def import_bundle(
    session: Session,
    data: Any,
    on_recorded: Callable[[list[Recorded]], None] | None = None,
) -> Imported:
    """Validate and record a bundle in the session's transaction (the caller commits).

    `on_recorded` gets each batch of recorded objects as it is written (the workflow
    queues their log entries), so nothing holds the whole registry in memory twice.
    """
    lock_recording(session)
    parsed: ParsedBundle = parse_bundle(data, known_in(session))
    bundle = parsed.bundle
    problems = _already_registered(session, bundle)
    if problems:
        raise DomainError(problems)
    counts: dict[str, int] = {}
    for name, row_type in COLLECTIONS:
        records = getattr(bundle, name)
        counts[name] = len(records)
        if not records:
            continue
        start = next_ordinal(session, row_type)
        for offset in range(0, len(records), CHUNK):
            batch = insert_records(session, name, records[offset : offset + CHUNK], start + offset)
            if on_recorded is not None:
                on_recorded(batch)
    return Imported(counts, parsed.warnings)


# How each collection names its records in the log ("<collection>:<key>"). Works on domain
# records and on their rows alike (same attribute names); inventories and embargoes have no
# natural key and go by their ordinal.
_KEYS: dict[str, Callable[[Any], str]] = {
    "authorities": lambda r: r.id,
    "parties": lambda r: r.id,
    "eucs": lambda r: f"{r.issuing_authority}:{r.euc_number}",
    "licences": lambda r: r.licence_number,
    "shipments": lambda r: r.shipment_id,
    "delivery_verifications": lambda r: r.dvc_number,
    "reexport_requests": lambda r: r.request_id,
    "observations": lambda r: r.id,
    "denials": lambda r: r.id,
}
_STATES: dict[str, str] = {
    "authorities": "state",
    "parties": "country",
    "inventories": "state",
    "eucs": "issuing_state",
    "licences": "exporting_state",
    "denials": "denying_state",
    "embargoes": "target_state",
}


def record_key(name: str, record: Any, ordinal: int) -> str:
    """The log key of a record or row: "<collection>:<key>"."""
    key = _KEYS[name](record) if name in _KEYS else str(ordinal)
    return f"{name}:{key}"


def _quantity(value: int | float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _euc_pks(session: Session, keys: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Primary keys of EUCs by (issuing authority, number): references were checked before."""
    found: dict[tuple[str, str], int] = {}
    unique = list(dict.fromkeys(keys))
    for start in range(0, len(unique), 500):
        rows = session.execute(
            select(m.EucRow.issuing_authority, m.EucRow.euc_number, m.EucRow.pk).where(
                tuple_(m.EucRow.issuing_authority, m.EucRow.euc_number).in_(
                    unique[start : start + 500]
                )
            )
        )
        found |= {(a, n): pk for a, n, pk in rows}
    return found


def _lines(parent: dict[str, Any], items: list[Any], line: str) -> list[dict[str, Any]]:
    return [
        {**parent, "position": i, line: getattr(item, line), "quantity": _quantity(item.quantity)}
        for i, item in enumerate(items)
    ]


def insert_records(session: Session, name: str, records: list[Any], first: int) -> list[Recorded]:
    """Insert validated bundle objects (and their item lines) as rows, ordinals from `first`.

    One multi-row INSERT per table and batch: the single-record workflow and a bundle of
    a million objects go through the same code.
    """
    documents = [r.to_json() for r in records]
    rows: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    item_table: Any = None
    for offset, (r, doc) in enumerate(zip(records, documents, strict=True)):
        row: dict[str, Any] = {"ordinal": first + offset, "document": doc}
        if name == "authorities":
            row |= {"id": r.id, "state": r.state}
        elif name == "parties":
            row |= {"id": r.id, "name": r.name, "country": r.country, "kind": r.kind}
        elif name == "inventories":
            row |= {"holder": r.holder, "state": r.state}
        elif name == "eucs":
            row |= {
                "issuing_authority": r.issuing_authority, "euc_number": r.euc_number,
                "issuing_state": r.issuing_state, "date_of_issue": r.date_of_issue,
                "valid_until": r.valid_until, "end_user": r.end_user,
                "country_of_final_destination": r.country_of_final_destination, "signed": r.signed,
            }  # fmt: skip
        elif name == "licences":
            row |= {
                "licence_number": r.licence_number, "exporting_state": r.exporting_state,
                "authority": r.authority, "applicant": r.applicant, "status": r.status,
                "valid_from": r.valid_from, "valid_until": r.valid_until, "signed": r.signed,
            }  # fmt: skip
            item_table = m.LicenceItemRow.__table__
            items += [
                {"licence_number": r.licence_number, "position": i, "line": it.line,
                 "euc_line": it.euc_line, "quantity": _quantity(it.quantity)}
                for i, it in enumerate(r.items)
            ]  # fmt: skip
        elif name == "shipments":
            row |= {
                "shipment_id": r.shipment_id,
                "licence_number": r.licence_number,
                "date": r.date,
            }
            item_table = m.ShipmentItemRow.__table__
            items += _lines({"shipment_id": r.shipment_id}, r.items, "licence_line")
        elif name == "delivery_verifications":
            row |= {
                "dvc_number": r.dvc_number, "issuing_authority": r.issuing_authority,
                "licence_number": r.licence_number, "shipment_id": r.shipment_id,
                "arrival_date": r.arrival_date, "signed": r.signed,
            }  # fmt: skip
            item_table = m.DvcItemRow.__table__
            items += _lines({"dvc_number": r.dvc_number}, r.items, "licence_line")
        elif name == "reexport_requests":
            row |= {
                "request_id": r.request_id, "original_licence": r.original_licence,
                "proposed_destination": r.proposed_destination,
                "outcome": r.decision.outcome if r.decision else None,
            }  # fmt: skip
        elif name == "observations":
            row |= {"id": r.id, "kind": r.kind, "date": r.date}
        elif name == "denials":
            row |= {"id": r.id, "denying_state": r.denying_state}
        elif name == "embargoes":
            row |= {"target_state": r.target_state, "regime": r.regime}
        rows.append(row)
    if name == "licences":  # the EUC a licence is for, by its key
        pks = _euc_pks(session, [(r.euc.issuing_authority, r.euc.euc_number) for r in records])
        for row, r in zip(rows, records, strict=True):
            row["euc_pk"] = pks[(r.euc.issuing_authority, r.euc.euc_number)]
    table = dict(COLLECTIONS)[name].__table__  # type: ignore[attr-defined]
    session.execute(insert(table), rows)
    if name == "eucs":  # item lines reference the EUC's generated key
        pks = _euc_pks(session, [(r.issuing_authority, r.euc_number) for r in records])
        item_table = m.EucItemRow.__table__
        items = [
            {"euc_pk": pks[(r.issuing_authority, r.euc_number)], "line": it.line,
             "quantity": _quantity(it.quantity), "unit": it.unit,
             "control_entry": it.control_entry, "calibre": it.calibre}
            for r in records for it in r.items
        ]  # fmt: skip
    if items:
        session.execute(insert(item_table), items)
    return [
        Recorded(
            name,
            record_key(name, r, first + offset),
            getattr(r, _STATES[name]) if name in _STATES else None,
            doc,
            getattr(r, "signed", None),
        )
        for offset, (r, doc) in enumerate(zip(records, documents, strict=True))
    ]


def export_bundle(session: Session, description: str | None = None) -> dict[str, Any]:
    """The whole registry as one bundle, each object as it was recorded, in recording order."""
    out: dict[str, Any] = {"format": FORMAT}
    if description:
        out["description"] = description
    for name, row_type in COLLECTIONS:
        out[name] = list(session.scalars(select(row_type.document).order_by(row_type.ordinal)))
    return out
