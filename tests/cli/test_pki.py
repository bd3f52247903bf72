"""`enduse pki ...`: the command-line contract later issues rely on."""

from __future__ import annotations

import re

from enduse.docs.local_pki import LocalPki


def test_issue_signer_prints_only_the_kid(run, demo_pki, home):
    for kid in demo_pki.values():
        assert re.fullmatch(r"[0-9a-f]{16}", kid)
    signer = LocalPki(home).store().lookup(bytes.fromhex(demo_pki["CZ-CUSTOMS"]))
    assert signer.documents == {"DVC"} and signer.authority == "CZ-CUSTOMS"


def test_init_state_twice_and_bad_states(run):
    assert run("pki", "init-state", "--state", "cz").exit_code == 0  # case-insensitive
    again = run("pki", "init-state", "--state", "CZ")
    assert again.exit_code == 1 and "already has an active CSCA" in again.stderr
    bad = run("pki", "init-state", "--state", "XX")
    assert bad.exit_code == 1 and "'XX' is not an ISO 3166-1" in bad.stderr
    date = run("pki", "init-state", "--state", "RS", "--valid-from", "01/01/2025")
    assert date.exit_code == 2 and "--valid-from" in date.stderr


def test_issue_signer_needs_a_csca_and_known_document_types(run):
    r = run("pki", "issue-signer", "--state", "CZ", "--authority", "CZ-MOD", "--documents", "EUC")
    assert r.exit_code == 1 and "enduse pki init-state --state CZ" in r.stderr
    run("pki", "init-state", "--state", "CZ")
    r = run(
        "pki",
        "issue-signer",
        "--state",
        "CZ",
        "--authority",
        "CZ-MOD",
        "--documents",
        "EUC,PASSPORT",
    )
    assert r.exit_code == 2 and "PASSPORT" in r.stderr


def test_revoke_signer(run, demo_pki, home):
    r = run("pki", "revoke-signer", demo_pki["CZ-MOD"])
    assert r.exit_code == 0 and demo_pki["CZ-MOD"] in r.stdout
    assert LocalPki(home).store().lookup(bytes.fromhex(demo_pki["CZ-MOD"])).status == "revoked"
    assert run("pki", "revoke-signer", "00" * 8).exit_code == 1


def test_list_shows_cscas_and_signers(run, demo_pki):
    r = run("pki", "list")
    assert r.exit_code == 0
    assert "CSCA" in r.stdout and demo_pki["BG-MOD"] in r.stdout


def test_trust_list_export_and_import_between_two_homes(run, demo_pki, tmp_path):
    exported = tmp_path / "list.note"
    r = run("pki", "trust-list", "export", str(exported))
    assert r.exit_code == 0
    vkey = r.stdout.strip()
    assert exported.read_text().startswith('{\n "cscas"')
    other = {"ENDUSE_HOME": str(tmp_path / "border")}
    refused = run("pki", "trust-list", "import", str(exported), env=other)
    assert refused.exit_code == 1 and "unknown_key" in refused.stderr
    ok = run("pki", "trust-list", "import", str(exported), "--vkey", vkey, env=other)
    assert ok.exit_code == 0 and "imported 3 CSCAs and 3 signers" in ok.stdout
    assert run("pki", "trust-list", "vkey").stdout.strip() == vkey


def test_no_command_ever_prints_a_private_key(run, demo_pki, home, tmp_path, bundle_file):
    outputs = [
        run("pki", "list"),
        run("pki", "trust-list", "export", str(tmp_path / "l.note")),
        run("pki", "trust-list", "vkey"),
        run("euc", "sign", str(bundle_file), "--euc", "CZ-MOD-2025-0042"),
        run("pki", "issue-signer", "--state", "CZ", "--authority", "CZ-MOD", "--documents", "EUC"),
        run("pki", "init-state", "--state", "CZ"),
    ]
    secrets = []
    for key_file in (home / "keys").iterdir():
        body = "".join(key_file.read_text().splitlines()[1:-1])
        secrets += [body[i : i + 16] for i in range(0, len(body) - 16, 16)]
    for r in outputs:
        text = r.stdout + r.stderr
        assert "PRIVATE KEY" not in text
        assert not any(s in text for s in secrets)


def test_a_passphrase_protects_the_keys_end_to_end(run, home, bundle_file):
    secret = {"ENDUSE_KEY_PASSPHRASE": "correct horse battery staple"}
    assert (
        run(
            "pki", "init-state", "--state", "CZ", "--valid-from", "2025-01-01", env=secret
        ).exit_code
        == 0
    )
    r = run(
        "pki",
        "issue-signer",
        "--state",
        "CZ",
        "--authority",
        "CZ-MOD",
        "--documents",
        "EUC",
        env=secret,
    )
    assert r.exit_code == 0
    for key_file in (home / "keys").glob("*.pem"):
        assert key_file.read_text().startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    without = run("euc", "sign", str(bundle_file), "--euc", "CZ-MOD-2025-0042")
    assert without.exit_code == 1 and "ENDUSE_KEY_PASSPHRASE" in without.stderr
    wrong = run(
        "euc",
        "sign",
        str(bundle_file),
        "--euc",
        "CZ-MOD-2025-0042",
        env={"ENDUSE_KEY_PASSPHRASE": "guess"},
    )
    assert wrong.exit_code == 1 and "wrong ENDUSE_KEY_PASSPHRASE" in wrong.stderr
    ok = run("euc", "sign", str(bundle_file), "--euc", "CZ-MOD-2025-0042", env=secret)
    assert ok.exit_code == 0 and ok.stdout.startswith("EUC1:")
    assert run("verify", ok.stdout.strip(), "--at", "2025-06-01").exit_code == 0  # no key needed
