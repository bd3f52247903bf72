"""`enduse report att` on the embedded registry (the sub-app, until it is wired into `enduse`)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from enduse.cli.report import app
from enduse.reports.att import COLUMNS


@pytest.fixture
def report(home: Path):
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(app, list(args), env={"ENDUSE_HOME": str(home)})

    return invoke


@pytest.fixture
def seeded(run, bundle_file) -> None:
    assert run("import", str(bundle_file)).exit_code == 0


def test_csv_on_standard_output(seeded, report):
    r = report("att", "--year", "2025")
    assert r.exit_code == 0, r.output
    lines = list(csv.reader(io.StringIO(r.stdout)))
    assert tuple(lines[0]) == COLUMNS
    quantities = {(line[2], line[7]): line[8] for line in lines[1:]}
    assert quantities == {
        ("BG", "pieces"): "12000",
        ("CZ", "pieces"): "15000",
        ("CZ", "rounds"): "1000000",
    }


def test_json_to_a_file(seeded, report, tmp_path):
    out = tmp_path / "att-2025.json"
    r = report(
        "att", "--year", "2025", "--format", "json", "--exporting-state", "rs", "--output", str(out)
    )
    assert r.exit_code == 0, r.output
    assert r.stdout == "" and "wrote 3 rows" in r.stderr
    document = json.loads(out.read_text("utf-8"))
    assert document["year"] == 2025 and document["exporting_states"] == ["RS"]
    assert [row["quantity"] for row in document["rows"]] == [12000, 15000, 1000000]


def test_a_year_without_exports(seeded, report):
    r = report("att", "--year", "2019", "--format", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)["rows"] == []
    assert report("att", "--year", "2019").stdout.strip() == ",".join(COLUMNS)


def test_who_may_ask(seeded, run, report):
    assert run("users", "add", "ana", "--role", "analyst").exit_code == 0
    assert run("users", "add", "bob", "--role", "exporter", "--party", "p-exporter").exit_code == 0
    assert report("att", "--year", "2025", "--as", "ana").exit_code == 0
    refused = report("att", "--year", "2025", "--as", "bob")
    assert refused.exit_code == 1 and "not allowed" in refused.stderr and refused.stdout == ""
    unknown = report("att", "--year", "2025", "--as", "nobody")
    assert unknown.exit_code == 1 and "no user 'nobody'" in unknown.stderr


def test_mistakes_are_named(seeded, report):
    bad_state = report("att", "--year", "2025", "--exporting-state", "XX")
    assert bad_state.exit_code == 1 and "'XX' is not an ISO 3166-1" in bad_state.stderr
    assert report("att", "--year", "2025", "--format", "xml").exit_code == 2
    assert report("att", "--year", "0").exit_code == 2
    assert report("att").exit_code == 2  # --year is required
