"""`enduse osint extract` and `enduse osint ingest` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from enduse.scenarios import scenario_text

REPORT = (
    "Czech middlemen passed Serbian shells to Ukraine, intelligence service says\n\n"
    "MOSCOW, 12 June 2025 - Russia's Foreign Intelligence Service (SVR) accused Serbian arms makers "
    "of supplying 152 mm artillery shells to Ukraine through the Czech Republic in 2025, "
    "using end-user certificates that named the Czech Republic as the final destination."
)


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_extract_prints_the_contract_as_json_lines(run, tmp_path):
    seed = write(tmp_path, "seed.txt", scenario_text("seed-article.txt"))
    empty = write(tmp_path, "empty.txt", "Nothing about arms here.")
    result = run("osint", "extract", str(seed), str(empty), "--json")
    assert result.exit_code == 0, result.output
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["file"] == str(seed) and second == {"file": str(empty), "transfers": []}
    (t,) = first["transfers"]
    assert set(t) >= {"supplier_country", "supplier_orgs", "recipient_country", "recipient_orgs",
                      "intermediary_countries", "items", "quantity", "date", "claimants", "status",
                      "denied_by", "evidence"}  # fmt: skip
    assert (t["supplier_country"], t["recipient_country"], t["quantity"]["unit"]) == (
        "RS",
        "UA",
        "shells",
    )
    table = run("osint", "extract", str(seed))
    assert "RS → UA" in table.stdout and "hundreds of thousands of shells" in table.stdout


def test_ingest_records_and_links_to_the_licences_concerned(run, bundle_file, tmp_path):
    assert run("import", str(bundle_file)).exit_code == 0
    report = write(tmp_path, "svr.txt", REPORT)
    result = run("osint", "ingest", str(report), "--source", "SVR statement", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    (obs,) = out["observations"]
    assert obs["new"] and obs["via_states"] == ["CZ"] and obs["source"].startswith("SVR statement")
    links = {(x["licence"], x["observation"]) for x in out["links"]}
    assert ("RS-2025-0107", obs["id"]) in links  # the Czech end user's 152 mm licence
    assert all(x["licence"] != "RS-2025-0131" for x in out["links"])  # Bulgarian rockets: no
    (link,) = [x for x in out["links"] if x["licence"] == "RS-2025-0107"]
    assert link["severity"] == "high" and link["named"] is True
    assert any("152 mm artillery shells" in e for e in link["evidence"])
    again = json.loads(run("osint", "ingest", str(report), "--json").stdout)
    assert [o["new"] for o in again["observations"]] == [False]
    risk = json.loads(run("risk", "--licence", "RS-2025-0107", "--json").stdout)
    assert any(f["rule"] == "G7" for f in risk["findings"])


def test_unreadable_reports_name_the_file_and_record_nothing(run, bundle_file, tmp_path):
    assert run("import", str(bundle_file)).exit_code == 0
    good = write(tmp_path, "good.txt", REPORT)
    bad = write(tmp_path, "latin1.txt", "Caf\xe9 report".encode("latin-1"))
    result = run("osint", "ingest", str(good), str(bad))
    assert result.exit_code == 1 and "latin1.txt" in result.output and "UTF-8" in result.output
    missing = run("osint", "extract", str(tmp_path / "nope.txt"))
    assert missing.exit_code == 1 and "nope.txt" in missing.output
    assert json.loads(run("export").stdout).get("observations", []) == json.loads(
        bundle_file.read_text())["observations"]  # fmt: skip


def test_a_directory_is_named_as_no_file(run, tmp_path):
    result = run("osint", "extract", str(tmp_path))
    assert result.exit_code == 1 and "a directory, not a file" in result.output
