"""The exports part of the Arms Trade Treaty annual report (art. 13(3)), from actual deliveries.

ATT states parties report either authorized or actual exports; a registry that records
shipments can give the actual ones, which is what diversion analysis needs too. An
export of year Y is a shipment dated in Y under a licence of the exporting state: goods
that left, whatever the licence's status is today. Each shipment item is followed back
to what was certified: licence line -> licence item -> EUC line -> EUC item (control
entry, calibre, description, unit), and counted under the ATT category of that item
(``enduse.domain.att``) for the state that issued the EUC, the importing state.

Rows add up quantities per (exporting state, importing state, declared final destination
when it differs, category, sub-category, unit): pieces, rounds, kg and sets are never
summed together. Beside each quantity stands the part confirmed by delivery verification
certificates (DVCs naming the shipment), so a reader sees verified and unverified
exports apart. Anything that cannot be followed back (a line the licence or the EUC does
not have, a missing quantity, a DVC above the shipment) is still counted, under "Other"
where its category is unknown, and named in the row's ``issues``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from enduse.domain.att import CATEGORIES, CATEGORY_ORDER, OTHER, AttCategory, classify_item
from enduse.domain.codes import check_country
from enduse.registry.models import DeliveryVerificationRow, EucRow, LicenceRow, ShipmentRow

__all__ = [
    "COLUMNS",
    "FORMAT",
    "NOTE",
    "AttReport",
    "AttRow",
    "att_exports",
    "to_csv",
    "to_json",
]

FORMAT = "enduse.att-exports/1"
MIN_YEAR = 1
MAX_YEAR = 9998  # the year after must still be a date
UNKNOWN_UNIT = "unknown"
_CHUNK = 500  # ids per IN (...) query

NOTE = (
    "Exports are actual exports: shipments recorded in the registry with a date in the "
    "reporting year, under licences of the exporting state (goods that left, not licences "
    "issued). The importing state is the state that issued the end-user certificate; the "
    "final destination is shown where the certificate declares another. Quantities are "
    "numbers of items in the EUC's unit and are never summed across units. "
    "verified_quantity is the part confirmed delivered by delivery verification "
    "certificates naming the shipment (at most what was shipped). Categories I-VIII are "
    "those of the ATT reporting template; ammunition/munitions (art. 3) are reported "
    "voluntarily in their own category; 'Other' lists controlled items outside the ATT "
    "categories, including parts and components (art. 4)."
)

#: The CSV header, in order; JSON rows use the same names.
COLUMNS: tuple[str, ...] = (
    "year",
    "exporting_state",
    "importing_state",
    "final_destination",
    "category",
    "category_title",
    "subcategory",
    "unit",
    "quantity",
    "verified_quantity",
    "unverified_quantity",
    "shipments",
    "shipment_ids",
    "licences",
    "descriptions",
    "control_entries",
    "issues",
)


@dataclass(frozen=True)
class AttRow:
    """One line of the report: what one exporting state sent one importing state, per
    category and unit. ``final_destination`` is None unless the EUC declared another."""

    exporting_state: str
    importing_state: str
    final_destination: str | None
    category: str
    category_title: str
    subcategory: str | None
    unit: str
    quantity: Decimal
    verified_quantity: Decimal
    shipment_ids: tuple[str, ...]
    licences: tuple[str, ...]
    descriptions: tuple[str, ...]
    control_entries: tuple[str, ...]
    issues: tuple[str, ...] = ()

    @property
    def shipments(self) -> int:
        return len(self.shipment_ids)

    @property
    def unverified_quantity(self) -> Decimal:
        return self.quantity - self.verified_quantity


@dataclass(frozen=True)
class AttReport:
    """The exports of one year; an empty ``rows`` is a nil report for ``exporting_states``."""

    year: int
    generated_at: datetime
    exporting_states: tuple[str, ...]
    rows: tuple[AttRow, ...]
    note: str = NOTE


@dataclass
class _Group:
    """A row while it is being added up (insertion-ordered sets as dicts)."""

    quantity: Decimal = Decimal(0)
    verified: Decimal = Decimal(0)
    shipments: dict[str, None] = field(default_factory=dict)
    licences: dict[str, None] = field(default_factory=dict)
    descriptions: dict[str, None] = field(default_factory=dict)
    control_entries: dict[str, None] = field(default_factory=dict)
    issues: dict[str, None] = field(default_factory=dict)


_Key = tuple[str, str, str, str, str, str]  # exporter, importer, destination, code, sub, unit


def _quantity(value: Any) -> Decimal | None:
    """A recorded JSON quantity as a Decimal (via its text: 0.1 stays 0.1)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return Decimal(str(value))


def _plain(value: Decimal) -> str:
    """15000, not 15000.0 or 1.5E+4."""
    return format(value.normalize(), "f") if value else "0"


def _by_line(items: Any) -> dict[int, Mapping[str, Any]]:
    """Items of a recorded document by their `line` (the first, should a line repeat)."""
    found: dict[int, Mapping[str, Any]] = {}
    for item in items if isinstance(items, list) else []:
        if isinstance(item, Mapping) and isinstance(item.get("line"), int):
            found.setdefault(item["line"], item)
    return found


def _verified(session: Session, shipment_ids: Sequence[str]) -> dict[tuple[str, int], Decimal]:
    """Quantities the DVCs naming each shipment confirm, per (shipment, licence line)."""
    totals: dict[tuple[str, int], Decimal] = {}
    unique = list(dict.fromkeys(shipment_ids))
    for start in range(0, len(unique), _CHUNK):
        chunk = unique[start : start + _CHUNK]
        rows = session.execute(
            select(DeliveryVerificationRow.shipment_id, DeliveryVerificationRow.document)
            .where(DeliveryVerificationRow.shipment_id.in_(chunk))
            .order_by(DeliveryVerificationRow.ordinal)
        )
        for shipment_id, document in rows:
            for item in document.get("items") or []:
                line, quantity = item.get("licence_line"), _quantity(item.get("quantity"))
                if isinstance(line, int) and quantity is not None:
                    key = (shipment_id, line)
                    totals[key] = totals.get(key, Decimal(0)) + quantity
    return totals


def _exporting_states(session: Session) -> tuple[str, ...]:
    states = session.scalars(select(LicenceRow.exporting_state).distinct())
    return tuple(sorted(set(states)))


def att_exports(
    session: Session,
    year: int,
    exporting_state: str | None = None,
    *,
    now: datetime | None = None,
) -> AttReport:
    """The ATT exports report for `year`, of one exporting state or of all in the registry.

    Reads only; the caller authorizes (``Action.REPORT``). `now` fixes ``generated_at``.
    """
    if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"year must be a whole year from {MIN_YEAR} to {MAX_YEAR}, not {year!r}")
    if exporting_state is not None:
        check_country(exporting_state)
    query = (
        select(ShipmentRow, LicenceRow, EucRow)
        .join(LicenceRow, LicenceRow.licence_number == ShipmentRow.licence_number)
        .join(EucRow, EucRow.pk == LicenceRow.euc_pk)
        .where(ShipmentRow.date >= date(year, 1, 1), ShipmentRow.date < date(year + 1, 1, 1))
        .order_by(ShipmentRow.date, ShipmentRow.ordinal)
    )
    if exporting_state is not None:
        query = query.where(LicenceRow.exporting_state == exporting_state)
    found = session.execute(query).all()
    verified = _verified(session, [shipment.shipment_id for shipment, _, _ in found])
    groups: dict[_Key, _Group] = {}
    for shipment, licence, euc in found:
        _add_shipment(groups, shipment, licence, euc, verified)
    rows = [_row(key, group) for key, group in groups.items()]
    rows.sort(key=_order)
    states = (exporting_state,) if exporting_state is not None else _exporting_states(session)
    return AttReport(year, now or datetime.now(UTC), states, tuple(rows))


def _add_shipment(
    groups: dict[_Key, _Group],
    shipment: ShipmentRow,
    licence: LicenceRow,
    euc: EucRow,
    verified: Mapping[tuple[str, int], Decimal],
) -> None:
    """Count one shipment's items under their rows."""
    sid = shipment.shipment_id
    licence_items = _by_line(licence.document.get("items"))
    euc_items = _by_line(euc.document.get("items"))
    destination = euc.country_of_final_destination
    destination = "" if destination == euc.issuing_state else destination
    # A shipment may list one licence line twice: the DVCs confirm the line, not an entry.
    shipped: dict[int | None, Decimal] = {}
    issues: dict[int | None, list[str]] = {}
    for i, item in enumerate(shipment.document.get("items") or []):
        line = item.get("licence_line")
        line = line if isinstance(line, int) else None
        quantity = _quantity(item.get("quantity"))
        if quantity is None:
            issues.setdefault(line, []).append(f"{sid} items[{i}]: no quantity recorded")
            quantity = Decimal(0)
        shipped[line] = shipped.get(line, Decimal(0)) + quantity
    for line, quantity in shipped.items():
        found = issues.get(line, [])
        euc_item: Mapping[str, Any] | None = None
        if line is None:
            found.append(f"{sid}: an item names no licence line")
        elif line not in licence_items:
            found.append(f"{sid}: licence {licence.licence_number} has no line {line}")
        else:
            euc_line = licence_items[line].get("euc_line")
            euc_item = euc_items.get(euc_line) if isinstance(euc_line, int) else None
            if euc_item is None:
                found.append(
                    f"{sid}: licence {licence.licence_number} line {line} names EUC line "
                    f"{euc_line}, which EUC {euc.issuing_authority}:{euc.euc_number} lacks"
                )
        confirmed = verified.get((sid, line), Decimal(0)) if line is not None else Decimal(0)
        if confirmed > quantity:
            found.append(
                f"{sid} licence line {line}: DVCs report {_plain(confirmed)}, "
                f"more than the {_plain(quantity)} shipped"
            )
            confirmed = quantity
        category = classify_item(euc_item) if euc_item is not None else _other()
        unit = str(euc_item.get("unit") or UNKNOWN_UNIT) if euc_item else UNKNOWN_UNIT
        key: _Key = (
            licence.exporting_state,
            euc.issuing_state,
            destination,
            category.code,
            category.subcategory or "",
            unit,
        )
        group = groups.setdefault(key, _Group())
        group.quantity += quantity
        group.verified += confirmed
        group.shipments[sid] = None
        group.licences[licence.licence_number] = None
        if euc_item is not None:
            group.descriptions[str(euc_item.get("description") or "")] = None
            if euc_item.get("control_entry"):
                group.control_entries[str(euc_item["control_entry"])] = None
        for issue in found:
            group.issues[issue] = None


def _other() -> AttCategory:
    return AttCategory(OTHER, CATEGORIES[OTHER], None)


def _row(key: _Key, group: _Group) -> AttRow:
    exporter, importer, destination, code, sub, unit = key
    return AttRow(
        exporting_state=exporter,
        importing_state=importer,
        final_destination=destination or None,
        category=code,
        category_title=CATEGORIES[code],
        subcategory=sub or None,
        unit=unit,
        quantity=group.quantity,
        verified_quantity=group.verified,
        shipment_ids=tuple(group.shipments),
        licences=tuple(group.licences),
        descriptions=tuple(d for d in group.descriptions if d),
        control_entries=tuple(group.control_entries),
        issues=tuple(group.issues),
    )


def _order(row: AttRow) -> tuple[str, str, str, int, str, str]:
    return (
        row.exporting_state,
        row.importing_state,
        row.final_destination or "",
        CATEGORY_ORDER[row.category],
        row.subcategory or "",
        row.unit,
    )


def _number(value: Decimal) -> int | float:
    """Whole quantities as JSON integers; fractions (kg) as JSON numbers, as in bundles."""
    return int(value) if value == value.to_integral_value() else float(value)


def to_json(report: AttReport) -> dict[str, Any]:
    """The report as a JSON-ready dict (``json.dumps`` takes it as is)."""
    return {
        "format": FORMAT,
        "report": "Arms Trade Treaty annual report: exports",
        "year": report.year,
        "generated_at": report.generated_at.isoformat(timespec="seconds"),
        "exporting_states": list(report.exporting_states),
        "note": report.note,
        "categories": dict(CATEGORIES),
        "rows": [
            {
                "year": report.year,
                "exporting_state": row.exporting_state,
                "importing_state": row.importing_state,
                "final_destination": row.final_destination,
                "category": row.category,
                "category_title": row.category_title,
                "subcategory": row.subcategory,
                "unit": row.unit,
                "quantity": _number(row.quantity),
                "verified_quantity": _number(row.verified_quantity),
                "unverified_quantity": _number(row.unverified_quantity),
                "shipments": row.shipments,
                "shipment_ids": list(row.shipment_ids),
                "licences": list(row.licences),
                "descriptions": list(row.descriptions),
                "control_entries": list(row.control_entries),
                "issues": list(row.issues),
            }
            for row in report.rows
        ],
    }


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """Text from other states' documents must not run as a spreadsheet formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _joined(values: Iterable[str]) -> str:
    return "; ".join(values)


def to_csv(report: AttReport) -> str:
    """The rows as CSV (RFC 4180, header first); lists are joined with "; "."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in report.rows:
        cells = [
            str(report.year),
            row.exporting_state,
            row.importing_state,
            row.final_destination or "",
            row.category,
            row.category_title,
            row.subcategory or "",
            row.unit,
            _plain(row.quantity),
            _plain(row.verified_quantity),
            _plain(row.unverified_quantity),
            str(row.shipments),
            _joined(row.shipment_ids),
            _joined(row.licences),
            _joined(row.descriptions),
            _joined(row.control_entries),
            _joined(row.issues),
        ]
        writer.writerow([_cell(cell) for cell in cells])
    return buffer.getvalue()
