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

from sqlalchemy import func, select, text, tuple_
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
    records: tuple[Recorded, ...] = ()


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


def _quantity(value: int | float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def lock_recording(session: Session) -> None:
    """Recording order (`ordinal`) is one sequence: writers queue here on PostgreSQL (SQLite's
    BEGIN IMMEDIATE already lets one writer in at a time)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext('enduse.registry.record'))"))


def next_ordinal(session: Session, row_type: type[m.Recorded]) -> int:
    return (session.scalar(select(func.max(row_type.ordinal))) or 0) + 1


def import_bundle(session: Session, data: Any) -> Imported:
    """Validate and record a bundle in the session's transaction (the caller commits)."""
    lock_recording(session)
    parsed: ParsedBundle = parse_bundle(data, known_in(session))
    bundle = parsed.bundle
    problems = _already_registered(session, bundle)
    if problems:
        raise DomainError(problems)
    counts: dict[str, int] = {}
    recorded: list[Recorded] = []
    for name, row_type in COLLECTIONS:
        records = getattr(bundle, name)
        counts[name] = len(records)
        if not records:
            continue
        start = next_ordinal(session, row_type)
        for offset, record in enumerate(records):
            record_object(session, name, record, start + offset)
            recorded.append(describe(name, record, start + offset))
        session.flush()  # later collections reference these rows
    return Imported(counts, parsed.warnings, tuple(recorded))


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


def describe(name: str, record: Any, ordinal: int) -> Recorded:
    state = getattr(record, _STATES[name]) if name in _STATES else None
    return Recorded(
        name,
        record_key(name, record, ordinal),
        state,
        record.to_json(),
        getattr(record, "signed", None),
    )


def _euc_pk(session: Session, authority: str, number: str) -> int:
    pk = session.scalar(
        select(m.EucRow.pk).where(
            m.EucRow.issuing_authority == authority, m.EucRow.euc_number == number
        )
    )
    assert pk is not None  # references were checked before anything was written
    return pk


def record_object(session: Session, name: str, record: Any, ordinal: int) -> None:
    """Insert one validated bundle object (and its item lines) as a row."""
    doc = record.to_json()
    common = {"ordinal": ordinal, "document": doc}
    if name == "authorities":
        session.add(m.AuthorityRow(id=record.id, state=record.state, **common))
    elif name == "parties":
        session.add(
            m.PartyRow(
                id=record.id, name=record.name, country=record.country, kind=record.kind, **common
            )
        )
    elif name == "inventories":
        session.add(m.InventoryRow(holder=record.holder, state=record.state, **common))
    elif name == "eucs":
        row = m.EucRow(
            issuing_authority=record.issuing_authority, euc_number=record.euc_number,
            issuing_state=record.issuing_state, date_of_issue=record.date_of_issue,
            valid_until=record.valid_until, end_user=record.end_user,
            country_of_final_destination=record.country_of_final_destination,
            signed=record.signed, **common,
        )  # fmt: skip
        session.add(row)
        session.flush()
        for item in record.items:
            session.add(m.EucItemRow(
                euc_pk=row.pk, line=item.line, quantity=_quantity(item.quantity), unit=item.unit,
                control_entry=item.control_entry, calibre=item.calibre,
            ))  # fmt: skip
    elif name == "licences":
        session.add(m.LicenceRow(
            licence_number=record.licence_number, exporting_state=record.exporting_state,
            authority=record.authority, applicant=record.applicant,
            euc_pk=_euc_pk(session, record.euc.issuing_authority, record.euc.euc_number),
            status=record.status, valid_from=record.valid_from, valid_until=record.valid_until,
            signed=record.signed, **common,
        ))  # fmt: skip
        session.flush()  # items reference the licence: the unit of work has no relationship to order by
        for i, item in enumerate(record.items):
            session.add(m.LicenceItemRow(
                licence_number=record.licence_number, position=i, line=item.line,
                euc_line=item.euc_line, quantity=_quantity(item.quantity),
            ))  # fmt: skip
    elif name == "shipments":
        session.add(m.ShipmentRow(shipment_id=record.shipment_id, licence_number=record.licence_number,
                                  date=record.date, **common))  # fmt: skip
        session.flush()
        for i, item in enumerate(record.items):
            session.add(m.ShipmentItemRow(shipment_id=record.shipment_id, position=i,
                                          licence_line=item.licence_line, quantity=_quantity(item.quantity)))  # fmt: skip
    elif name == "delivery_verifications":
        session.add(m.DeliveryVerificationRow(
            dvc_number=record.dvc_number, issuing_authority=record.issuing_authority,
            licence_number=record.licence_number, shipment_id=record.shipment_id,
            arrival_date=record.arrival_date, signed=record.signed, **common,
        ))  # fmt: skip
        session.flush()
        for i, item in enumerate(record.items):
            session.add(m.DvcItemRow(dvc_number=record.dvc_number, position=i,
                                     licence_line=item.licence_line, quantity=_quantity(item.quantity)))  # fmt: skip
    elif name == "reexport_requests":
        session.add(m.ReexportRequestRow(
            request_id=record.request_id, original_licence=record.original_licence,
            proposed_destination=record.proposed_destination,
            outcome=record.decision.outcome if record.decision else None, **common,
        ))  # fmt: skip
    elif name == "observations":
        session.add(m.ObservationRow(id=record.id, kind=record.kind, date=record.date, **common))
    elif name == "denials":
        session.add(m.DenialRow(id=record.id, denying_state=record.denying_state, **common))
    elif name == "embargoes":
        session.add(m.EmbargoRow(target_state=record.target_state, regime=record.regime, **common))


def export_bundle(session: Session, description: str | None = None) -> dict[str, Any]:
    """The whole registry as one bundle, each object as it was recorded, in recording order."""
    out: dict[str, Any] = {"format": FORMAT}
    if description:
        out["description"] = description
    for name, row_type in COLLECTIONS:
        out[name] = list(session.scalars(select(row_type.document).order_by(row_type.ordinal)))
    return out
