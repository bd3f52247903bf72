"""`enduse import` / `enduse export` on the embedded registry."""

from __future__ import annotations

import json

from enduse.scenarios import scenario_text


def test_import_then_export(run, bundle_file, tmp_path):
    r = run("import", str(bundle_file))
    assert r.exit_code == 0 and r.stdout.startswith("imported 5 authorities, 6 parties")
    exported = tmp_path / "out.json"
    assert run("export", str(exported)).exit_code == 0
    seed = json.loads(scenario_text())
    data = json.loads(exported.read_text())
    assert {k: data[k] for k in seed if isinstance(seed[k], list)} == {
        k: v for k, v in seed.items() if isinstance(v, list)
    }
    assert json.loads(run("export").stdout) == data


def test_a_refused_import_changes_nothing(run, bundle_file, tmp_path):
    run("import", str(bundle_file))
    before = run("export").stdout
    again = run("import", str(bundle_file))
    assert again.exit_code == 1 and "$.eucs[0]: duplicate" in again.stderr
    broken = tmp_path / "broken.json"
    data = json.loads(bundle_file.read_text())
    data["format"] = "enduse.bundle/2"
    broken.write_text(json.dumps(data))
    r = run("import", str(broken))
    assert r.exit_code == 1 and "$.format: bad_format" in r.stderr
    assert run("export").stdout == before


def test_users_from_the_command_line(run, bundle_file):
    run("import", str(bundle_file))
    assert run("users", "add", "alice", "--role", "admin").exit_code == 0
    assert run("users", "add", "bob", "--role", "exporter", "--party", "p-exporter").exit_code == 0
    refused = run("users", "add", "eve", "--role", "admin", "--as", "bob")
    assert refused.exit_code == 1 and "not allowed" in refused.stderr
    bad = run("users", "add", "carol", "--role", "customs")
    assert bad.exit_code == 1 and "--authority" in bad.stderr
    assert run("users", "disable", "bob", "--as", "alice").exit_code == 0
    listing = run("users", "list").stdout.splitlines()
    assert listing[0].split("\t") == ["name", "role", "authority", "party", "status"]
    assert listing[2].split("\t") == ["bob", "exporter", "", "p-exporter", "disabled"]


def test_audit_from_the_command_line(run, bundle_file, home):
    run("import", str(bundle_file))
    waiting = run("registry", "audit")
    assert waiting.exit_code == 1 and "24 changes not yet in the log" in waiting.stdout
    run("log", "init", "--origin", "registry.test.example/log")
    ok = run("registry", "audit")
    assert ok.exit_code == 0 and ok.stdout.startswith(
        "consistent: 24 records, 24 changes, log size 24"
    )
    run("log", "append", input="stray\n")
    stray = run("registry", "audit")
    assert stray.exit_code == 1 and "log entry 24: no record in the registry" in stray.stdout


def application_for(number: str, issuer: str, euc_number: str, quantity: int) -> dict:
    """A licence application of p-exporter to RS-EXPORT, in BUNDLE.md's fields."""
    return {
        "licence_number": number,
        "exporting_state": "RS",
        "authority": "RS-EXPORT",
        "applicant": "p-exporter",
        "euc": {"issuing_authority": issuer, "euc_number": euc_number},
        "items": [{"line": 1, "euc_line": 1, "quantity": quantity}],
        "status": "applied",
    }


def with_log_and_exporter(run) -> None:
    run("log", "init", "--origin", "registry.test.example/log")
    run("users", "add", "bob", "--role", "exporter", "--party", "p-exporter")


def test_licence_applications_from_the_command_line(run, bundle_file, tmp_path):
    run("import", str(bundle_file))
    with_log_and_exporter(run)
    application = application_for("RS-2025-0200", "BG-MOD", "BG-MOD-2025-0310", 5)
    file = tmp_path / "application.json"
    file.write_text(json.dumps(application))
    refused = run("licence", "apply", str(file), "--as", "bob")  # RS-2025-0131 holds all 12,000
    assert refused.exit_code == 1 and "$.items[0].quantity: overdraw" in refused.stderr
    assert "RS-2025-0200" not in run("licence", "list").stdout
    application["euc"] = {"issuing_authority": "CZ-MOD", "euc_number": "CZ-MOD-2025-0042"}
    file.write_text(json.dumps(application))
    assert run("licence", "apply", str(file), "--as", "bob").exit_code == 1  # also fully licensed
    assert run("licence", "apply", str(file)).exit_code == 2  # --as is required
    listing = run("licence", "list", "--as", "bob").stdout.splitlines()
    assert [line.split("\t")[0] for line in listing[1:]] == ["RS-2025-0107", "RS-2025-0131"]
    shown = json.loads(run("licence", "show", "RS-2025-0107").stdout)
    assert shown["licence_number"] == "RS-2025-0107"
    assert run("registry", "audit").exit_code == 0


def test_a_successful_application_is_logged(run, bundle_file, tmp_path):
    run("import", str(bundle_file))
    seed = json.loads(bundle_file.read_text())
    euc = dict(seed["eucs"][0], euc_number="CZ-MOD-2025-0300")
    more = tmp_path / "more.json"
    more.write_text(json.dumps({"format": "enduse.bundle/1", "eucs": [euc]}))
    assert run("import", str(more)).exit_code == 0
    with_log_and_exporter(run)
    file = tmp_path / "application.json"
    file.write_text(
        json.dumps(application_for("RS-2025-0300", "CZ-MOD", "CZ-MOD-2025-0300", 30000))
    )
    ok = run("licence", "apply", str(file), "--as", "bob")
    assert ok.exit_code == 0 and "applied: licence RS-2025-0300" in ok.stdout
    audit = run("registry", "audit")
    assert audit.exit_code == 0 and "26 records, 26 changes, log size 26" in audit.stdout
