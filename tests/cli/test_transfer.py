"""A whole transfer from the command line: EUC1 registered, licence applied for, issued (LIC1),
shipped, delivered (DVC1), a re-export requested and decided (RXC1), the registry audited."""

from __future__ import annotations

import json

from builders import fresh_euc


def _setup(run, bundle_file, demo_pki, tmp_path):  # type: ignore[no-untyped-def]
    assert run("import", str(bundle_file)).exit_code == 0
    assert run("log", "init", "--origin", "registry.test.example/log").exit_code == 0
    r = run(
        "pki", "issue-signer", "--state", "RS", "--authority", "RS-EXPORT", "--documents", "LIC,RXC"
    )
    assert r.exit_code == 0, r.output
    for args in (
        ("bob", "--role", "exporter", "--party", "p-exporter"),
        ("olga", "--role", "licensing_officer", "--authority", "RS-EXPORT"),
        ("carl", "--role", "customs", "--authority", "CZ-CUSTOMS"),
        ("ivan", "--role", "issuing_authority", "--authority", "CZ-MOD"),
    ):
        assert run("users", "add", *args).exit_code == 0
    bundle = json.loads(bundle_file.read_text())
    bundle["eucs"].append(fresh_euc("CZ-MOD-2026-0050"))
    euc_bundle = tmp_path / "euc.bundle.json"
    euc_bundle.write_text(json.dumps(bundle))
    signed = run("euc", "sign", str(euc_bundle), "--euc", "CZ-MOD-2026-0050")
    assert signed.exit_code == 0, signed.output
    return signed.stdout.strip()


def test_a_transfer_end_to_end(run, bundle_file, demo_pki, tmp_path):
    payload = _setup(run, bundle_file, demo_pki, tmp_path)
    tampered = payload[:-12] + ("A" if payload[-12] != "A" else "B") + payload[-11:]
    refused = run("euc", "register", "--payload", tampered, "--as", "olga")
    assert refused.exit_code == 1 and "$.signed:" in refused.stderr
    r = run("euc", "register", "--payload", payload, "--as", "olga")
    assert r.exit_code == 0, r.output
    assert "registered: EUC CZ-MOD:CZ-MOD-2026-0050 (signed)" in r.stdout

    r = run("licence", "apply", "--as", "bob", "--licence-number", "RS-2026-0100", "--authority",
            "RS-EXPORT", "--euc", "CZ-MOD:CZ-MOD-2026-0050", "--item", "1:100", "--item", "2:5000")  # fmt: skip
    assert r.exit_code == 0, r.output
    r = run("licence", "decide", "RS-2026-0100", "--status", "issued", "--as", "olga",
            "--date", "2026-02-01", "--qr", str(tmp_path / "licence.png"))  # fmt: skip
    assert r.exit_code == 0, r.output
    lic1 = r.stdout.strip()
    assert lic1.startswith("LIC1:") and (tmp_path / "licence.png").exists()
    checked = run("verify", lic1, "--at", "2026-03-01")
    assert checked.exit_code == 0 and checked.stdout.startswith("valid")
    shown = json.loads(run("licence", "show", "RS-2026-0100").stdout)
    assert shown["status"] == "issued" and shown["valid_until"] == "2027-12-31"

    over = run("ship", "--as", "bob", "--shipment-id", "SH-100", "--licence", "RS-2026-0100",
               "--date", "2026-03-01", "--route", "RS,HU,CZ", "--item", "1:101")  # fmt: skip
    assert over.exit_code == 1 and "$.items[0].quantity: overdraw" in over.stderr
    r = run("ship", "--as", "bob", "--shipment-id", "SH-100", "--licence", "RS-2026-0100",
            "--date", "2026-03-01", "--route", "RS,HU,CZ", "--carrier", "p-carrier",
            "--item", "1:100:LOT-A,LOT-B", "--item", "2:5000")  # fmt: skip
    assert r.exit_code == 0, r.output
    shown = json.loads(run("licence", "show", "RS-2026-0100").stdout)
    assert shown["status"] == "exhausted"

    dvc_file = tmp_path / "dvc.json"
    dvc_file.write_text(json.dumps({"dvc_number": "CZ-DVC-100", "issuing_authority": "CZ-CUSTOMS",
                                    "licence_number": "RS-2026-0100", "arrival_date": "2026-03-04",
                                    "items": [{"licence_line": 1, "quantity": 100}]}))  # fmt: skip
    r = run("dvc", "add", str(dvc_file), "--shipment", "SH-100", "--as", "carl")
    assert r.exit_code == 0, r.output

    r = run("reexport", "request", "--as", "ivan", "--request-id", "RX-100", "--type", "re_export",
            "--requesting-party", "p-army-cz", "--licence", "RS-2026-0100", "--item", "1:10",
            "--destination", "UA")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert (
        run("reexport", "decide", "RX-100", "--outcome", "refused", "--as", "olga").exit_code == 1
    )
    r = run("reexport", "decide", "RX-100", "--outcome", "refused", "--criteria", "7", "--as", "olga",
            "--date", "2026-04-01")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert run("verify", r.stdout.strip(), "--at", "2026-04-02").stdout.startswith("valid")

    audit = run("registry", "audit")
    assert audit.exit_code == 0, audit.output
    exported = json.loads(run("export").stdout)
    assert [s["shipment_id"] for s in exported["shipments"]][-1] == "SH-100"
    assert exported["delivery_verifications"][-1]["shipment_id"] == "SH-100"
    assert exported["reexport_requests"][-1]["decision"]["criteria_cited"] == [7]


def test_command_line_input_errors_name_the_option(run, bundle_file, demo_pki, tmp_path):
    _setup(run, bundle_file, demo_pki, tmp_path)
    r = run("ship", "--as", "bob", "--item", "one:1")
    assert r.exit_code == 2 and "--item 'one:1'" in r.stderr
    r = run("licence", "apply", "--as", "bob", "--euc", "CZ-MOD-2026-0050")
    assert r.exit_code == 2 and "ISSUER:NUMBER" in r.stderr
    r = run("licence", "apply", "--as", "bob", "--euc", "CZ-MOD:CZ-MOD-2026-0050")
    assert r.exit_code == 1 and "$.licence_number: missing" in r.stderr
    r = run("licence", "decide", "RS-2025-0107", "--status", "suspended", "--as", "bob")
    assert r.exit_code == 1 and "not allowed" in r.stderr
    r = run("licence", "decide", "RS-2025-0107", "--status", "suspended", "--as", "nobody")
    assert r.exit_code == 1 and "no user 'nobody'" in r.stderr
    bad = tmp_path / "bad.json"
    bad.write_text("[1]")
    r = run("dvc", "add", str(bad), "--as", "carl")
    assert r.exit_code == 1 and "expected a JSON object" in r.stderr
