"""`enduse euc sign`."""

from __future__ import annotations

import json

from enduse.docs.qr import read_qr


def test_sign_prints_the_payload_and_draws_the_qr(run, demo_pki, bundle_file, tmp_path):
    png = tmp_path / "euc.png"
    r = run("euc", "sign", str(bundle_file), "--euc", "CZ-MOD-2025-0042", "--qr", str(png))
    assert r.exit_code == 0, r.stderr
    payload = r.stdout.strip()
    assert payload.startswith("EUC1:")
    assert read_qr(png) == payload
    svg = tmp_path / "euc.svg"
    assert (
        run(
            "euc", "sign", str(bundle_file), "--euc", "CZ-MOD-2025-0042", "--qr", str(svg)
        ).exit_code
        == 0
    )
    assert svg.read_text().lstrip().startswith("<?xml")


def test_sign_refuses_without_a_signer_for_euc(run, bundle_file):
    run("pki", "init-state", "--state", "CZ")
    run("pki", "issue-signer", "--state", "CZ", "--authority", "CZ-MOD", "--documents", "DVC")
    r = run("euc", "sign", str(bundle_file), "--euc", "CZ-MOD-2025-0042")
    assert r.exit_code == 1
    assert "CZ-MOD has no active document signer allowed to sign EUC" in r.stderr
    assert r.stdout == ""


def test_sign_names_what_is_wrong_with_the_input(run, demo_pki, bundle_file, tmp_path):
    missing = run("euc", "sign", str(bundle_file), "--euc", "NO-SUCH-EUC")
    assert missing.exit_code == 1 and "no EUC 'NO-SUCH-EUC'" in missing.stderr

    data = json.loads(bundle_file.read_text())
    data["eucs"][0]["items"][0]["quantity"] = "30000"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data))
    r = run("euc", "sign", str(broken), "--euc", "CZ-MOD-2025-0042")
    assert r.exit_code == 1 and "$.eucs[0].items[0].quantity: wrong_type" in r.stderr

    (tmp_path / "bad.json").write_text("{not json")
    r = run("euc", "sign", str(tmp_path / "bad.json"), "--euc", "X")
    assert r.exit_code == 1 and "bad_json" in r.stderr

    r = run("euc", "sign", str(tmp_path / "absent.json"), "--euc", "X")
    assert r.exit_code == 1 and "absent.json" in r.stderr

    r = run(
        "euc",
        "sign",
        str(bundle_file),
        "--euc",
        "CZ-MOD-2025-0042",
        "--qr",
        str(tmp_path / "x.gif"),
    )
    assert r.exit_code == 1 and ".gif" in r.stderr
