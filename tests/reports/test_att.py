"""The ATT exports report from the registry (SQLite and PostgreSQL), checked against the bundle."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from enduse.domain.att import AMMUNITION, OTHER, classify_item
from enduse.reports.att import COLUMNS, FORMAT, AttReport, att_exports, to_csv, to_json
from enduse.scenarios import scenario_text
from enduse.workflow.imports import record_bundle

NOW = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)


def seed() -> dict[str, Any]:
    return json.loads(scenario_text())


def record(session, data: dict[str, Any]) -> None:
    record_bundle(session, data)
    session.commit()


def expected(data: dict[str, Any], year: int) -> dict[tuple[str, str, str, str], dict[str, Any]]:
    """What the report must say, worked out from the bundle JSON alone."""
    licences = {lic["licence_number"]: lic for lic in data["licences"]}
    eucs = {(e["issuing_authority"], e["euc_number"]): e for e in data["eucs"]}
    confirmed: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for dvc in data["delivery_verifications"]:
        for item in dvc["items"]:
            confirmed[dvc["shipment_id"], item["licence_line"]] += Decimal(str(item["quantity"]))
    rows: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for shipment in data["shipments"]:
        if not shipment["date"].startswith(f"{year}-"):
            continue
        licence = licences[shipment["licence_number"]]
        euc = eucs[licence["euc"]["issuing_authority"], licence["euc"]["euc_number"]]
        per_line: dict[int, Decimal] = defaultdict(Decimal)
        for item in shipment["items"]:
            per_line[item["licence_line"]] += Decimal(str(item["quantity"]))
        for line, quantity in per_line.items():
            euc_line = next(i["euc_line"] for i in licence["items"] if i["line"] == line)
            euc_item = next(i for i in euc["items"] if i["line"] == euc_line)
            key = (
                licence["exporting_state"],
                euc["issuing_state"],
                classify_item(euc_item).code,
                euc_item["unit"],
            )
            row = rows.setdefault(
                key, {"quantity": Decimal(0), "verified": Decimal(0), "shipments": set()}
            )
            row["quantity"] += quantity
            row["verified"] += min(quantity, confirmed[shipment["shipment_id"], line])
            row["shipments"].add(shipment["shipment_id"])
    return rows


def found(report: AttReport) -> dict[tuple[str, str, str, str], dict[str, Any]]:
    out = {}
    for row in report.rows:
        key = (row.exporting_state, row.importing_state, row.category, row.unit)
        assert key not in out, f"two rows for {key}"
        out[key] = {
            "quantity": row.quantity,
            "verified": row.verified_quantity,
            "shipments": set(row.shipment_ids),
        }
    return out


def test_the_2025_report_is_the_seeds_shipments(session):
    data = seed()
    record(session, data)
    report = att_exports(session, 2025, now=NOW)
    assert report.year == 2025 and report.generated_at == NOW
    assert report.exporting_states == ("RS",)
    assert found(report) == expected(data, 2025)
    assert len(report.rows) == 3
    # CZ received shells (pieces) and cartridges (rounds): two rows, never one sum
    cz = {row.unit: row for row in report.rows if row.importing_state == "CZ"}
    assert set(cz) == {"pieces", "rounds"}
    assert cz["pieces"].quantity == 15000 and cz["rounds"].quantity == 1_000_000
    assert cz["pieces"].descriptions == ("152 mm HE artillery shells",)
    assert cz["pieces"].control_entries == ("ML3.a",)
    assert cz["pieces"].licences == ("RS-2025-0107",) and cz["pieces"].shipments == 1
    # BG's delivery is confirmed by its DVC; CZ's is not (no DVC names SH-2025-0001)
    (bg,) = [row for row in report.rows if row.importing_state == "BG"]
    assert (bg.quantity, bg.verified_quantity, bg.unverified_quantity) == (12000, 12000, 0)
    assert (cz["pieces"].verified_quantity, cz["pieces"].unverified_quantity) == (0, 15000)
    assert all(row.category == AMMUNITION and row.final_destination is None for row in report.rows)
    assert all(row.issues == () for row in report.rows)


def test_partial_and_excessive_dvcs(session):
    data = seed()
    data["delivery_verifications"] += [
        {
            "dvc_number": "CZ-DVC-2025-0001",
            "issuing_authority": "CZ-CUSTOMS",
            "licence_number": "RS-2025-0107",
            "shipment_id": "SH-2025-0001",
            "arrival_date": "2025-04-14",
            "items": [{"licence_line": 1, "quantity": 9000}],
            "delivery_scope": "partial",
        },
        {
            "dvc_number": "CZ-DVC-2025-0002",
            "issuing_authority": "CZ-CUSTOMS",
            "licence_number": "RS-2025-0107",
            "shipment_id": "SH-2025-0001",
            "arrival_date": "2025-04-20",
            "items": [
                {"licence_line": 1, "quantity": 5000},
                {"licence_line": 2, "quantity": 1_000_500},
            ],
            "delivery_scope": "partial",
        },
    ]
    record(session, data)
    report = att_exports(session, 2025)
    assert found(report) == expected(data, 2025)
    cz = {row.unit: row for row in report.rows if row.importing_state == "CZ"}
    assert (cz["pieces"].verified_quantity, cz["pieces"].unverified_quantity) == (14000, 1000)
    # more confirmed than shipped: counted as shipped, and said so
    assert (cz["rounds"].verified_quantity, cz["rounds"].unverified_quantity) == (1_000_000, 0)
    assert cz["rounds"].issues == (
        "SH-2025-0001 licence line 2: DVCs report 1000500, more than the 1000000 shipped",
    )


def test_fractional_quantities_and_a_third_unit(session):
    data = seed()
    euc = data["eucs"][0]
    euc["items"].append(
        {
            "line": 3,
            "description": '=HYPERLINK("http://x") TNT demolition charges',
            "control_entry": "ML4.a",
            "quantity": 500,
            "unit": "kg",
        }
    )
    data["licences"][0]["items"].append({"line": 3, "euc_line": 3, "quantity": 500})
    data["shipments"][0]["items"].append({"licence_line": 3, "quantity": 12.5})
    data["shipments"][0]["items"].append({"licence_line": 3, "quantity": 0.25})
    record(session, data)
    report = att_exports(session, 2025)
    assert found(report) == expected(data, 2025)
    (kg,) = [row for row in report.rows if row.unit == "kg"]
    assert kg.quantity == Decimal("12.75") and kg.importing_state == "CZ"
    assert [row.unit for row in report.rows if row.importing_state == "CZ"] == [
        "kg",
        "pieces",
        "rounds",
    ]
    (json_row,) = [row for row in to_json(report)["rows"] if row["unit"] == "kg"]
    assert json_row["quantity"] == 12.75 and isinstance(json_row["quantity"], float)
    assert json_row["descriptions"][0].startswith("=HYPERLINK")  # JSON keeps it as recorded
    (csv_row,) = [row for row in csv.DictReader(io.StringIO(to_csv(report))) if row["unit"] == "kg"]
    assert csv_row["quantity"] == "12.75" and csv_row["unverified_quantity"] == "12.75"
    assert csv_row["descriptions"].startswith("'=HYPERLINK")  # not a formula in a spreadsheet


def test_a_year_without_shipments_is_a_nil_report(session):
    record(session, seed())
    report = att_exports(session, 2024, now=NOW)
    assert report.rows == () and report.exporting_states == ("RS",)
    assert to_csv(report) == ",".join(COLUMNS) + "\r\n"
    document = to_json(report)
    assert document["rows"] == [] and document["year"] == 2024
    assert document["exporting_states"] == ["RS"]


def test_an_empty_registry_reports_no_state(session):
    report = att_exports(session, 2025)
    assert report.rows == () and report.exporting_states == ()


def test_the_exporting_state_filter(session):
    data = seed()
    record(session, data)
    everything = att_exports(session, 2025, now=NOW)
    assert att_exports(session, 2025, "RS", now=NOW) == everything
    other = att_exports(session, 2025, "CZ", now=NOW)
    assert other.rows == () and other.exporting_states == ("CZ",)
    for state in ("XX", "rs", "RSS"):
        with pytest.raises(ValueError, match="ISO 3166-1"):
            att_exports(session, 2025, state)
    for year in (0, 10_000, True):
        with pytest.raises(ValueError, match="year"):
            att_exports(session, year)


def test_shipments_count_in_the_year_they_left(session):
    data = seed()
    data["shipments"][0]["date"] = "2025-12-31"
    data["shipments"][1]["date"] = "2026-01-01"
    record(session, data)
    in_2025 = att_exports(session, 2025)
    in_2026 = att_exports(session, 2026)
    assert {row.importing_state for row in in_2025.rows} == {"CZ"}
    assert {row.importing_state for row in in_2026.rows} == {"BG"}
    assert found(in_2025) == expected(data, 2025) and found(in_2026) == expected(data, 2026)
    # the DVC still confirms a shipment that left in the other year
    assert in_2026.rows[0].verified_quantity == 12000


def test_final_destination_and_lines_that_cannot_be_followed(session):
    data = seed()
    data["eucs"][1]["country_of_final_destination"] = "RO"
    data["shipments"][1]["items"].append({"licence_line": 7, "quantity": 40})
    record(session, data)
    report = att_exports(session, 2025)
    bg = [row for row in report.rows if row.importing_state == "BG"]
    assert [(row.category, row.unit, row.quantity) for row in bg] == [
        (AMMUNITION, "pieces", 12000),
        (OTHER, "unknown", 40),  # still counted, under Other, and named
    ]
    assert all(row.final_destination == "RO" for row in bg)
    assert bg[1].issues == ("SH-2025-0002: licence RS-2025-0131 has no line 7",)
    assert bg[1].descriptions == () and bg[1].shipment_ids == ("SH-2025-0002",)
    assert all(row.final_destination is None for row in report.rows if row not in bg)


def test_csv_and_json_shapes(session):
    record(session, seed())
    report = att_exports(session, 2025, now=NOW)

    text = to_csv(report)
    lines = list(csv.reader(io.StringIO(text)))
    assert tuple(lines[0]) == COLUMNS and len(lines) == 1 + len(report.rows)
    assert text.count("\r\n") == len(lines)  # RFC 4180 line ends
    by_unit = {
        line[COLUMNS.index("unit")]: dict(zip(COLUMNS, line, strict=True)) for line in lines[1:]
    }
    rounds = by_unit["rounds"]
    assert rounds == {
        "year": "2025",
        "exporting_state": "RS",
        "importing_state": "CZ",
        "final_destination": "",
        "category": AMMUNITION,
        "category_title": "Ammunition/munitions (art. 3, voluntary)",
        "subcategory": "",
        "unit": "rounds",
        "quantity": "1000000",
        "verified_quantity": "0",
        "unverified_quantity": "1000000",
        "shipments": "1",
        "shipment_ids": "SH-2025-0001",
        "licences": "RS-2025-0107",
        "descriptions": "7.62x39 mm ball cartridges",
        "control_entries": "ML3.a",
        "issues": "",
    }

    document = json.loads(json.dumps(to_json(report)))  # plain JSON types only
    assert document["format"] == FORMAT
    assert document["generated_at"] == "2026-01-15T09:30:00+00:00"
    assert document["year"] == 2025 and document["exporting_states"] == ["RS"]
    assert "actual exports" in document["note"]
    assert document["categories"]["III"] == "Large-calibre artillery systems"
    assert [tuple(row) for row in document["rows"]] == [COLUMNS] * 3
    bg = document["rows"][0]
    assert bg["importing_state"] == "BG" and bg["shipment_ids"] == ["SH-2025-0002"]
    for row in document["rows"]:
        for name in ("quantity", "verified_quantity", "unverified_quantity", "shipments"):
            assert type(row[name]) is int, (name, row[name])
    assert bg["quantity"] == 12000 and bg["verified_quantity"] == 12000
