"""`enduse verify`: exit codes, the first word, JSON, images, trust sources."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest

from builders import with_claims
from enduse.docs.doctypes import DOCUMENT_CLAIM
from enduse.docs.qr import write_qr

VECTORS = Path(__file__).parents[1] / "vectors" / "dcc"


@pytest.fixture
def payload(run, demo_pki, bundle_file) -> str:
    return run("euc", "sign", str(bundle_file), "--euc", "CZ-MOD-2025-0042").stdout.strip()


def test_valid_payload_exits_0_and_says_valid_first(run, payload):
    r = run("verify", payload, "--at", "2025-06-01")
    assert r.exit_code == 0
    assert r.stdout.split()[0] == "valid"
    assert "Army Logistics Command (demo)" in r.stdout


def test_payload_on_standard_input(run, payload):
    r = run("verify", "--at", "2025-06-01T10:00:00Z", input=payload + "\n")
    assert r.exit_code == 0 and r.stdout.split()[0] == "valid"


def test_not_valid_exits_1_with_the_reason_first(run, payload):
    tampered = with_claims(
        payload, lambda c: c[DOCUMENT_CLAIM].update(country_of_final_destination="UA")
    )
    r = run("verify", tampered, "--at", "2025-06-01")
    assert r.exit_code == 1 and r.stdout.split()[0] == "bad_signature"
    late = run("verify", payload)  # today: the scenario EUC ran out at the end of 2025
    assert late.exit_code == 1 and late.stdout.split()[0] == "expired"
    early = run("verify", payload, "--at", "2025-01-15")
    assert early.exit_code == 1 and early.stdout.split()[0] == "not_yet_valid"


def test_json_output(run, payload):
    r = run("verify", payload, "--at", "2025-06-01", "--json")
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert data["result"] == "valid" and data["document_type"] == "EUC"
    assert data["document"]["exporter"]["name"] == "Sumadija Munitions d.o.o."
    assert data["signer"]["authority"] == "CZ-MOD"
    assert data["details"]["verified_at"].startswith("2025-06-01")
    bad = json.loads(run("verify", "EUC1:xx", "--json").stdout)
    assert bad["result"] == "bad_base45" and bad["document"] is None


def test_usage_errors_exit_2(run, payload, tmp_path):
    assert run("verify", "--at", "yesterday", payload).exit_code == 2
    assert run("verify", input="").exit_code == 2
    png = tmp_path / "p.png"
    write_qr(payload, png)
    assert run("verify", payload, "--image", str(png)).exit_code == 2
    assert run("verify", "--image", str(tmp_path / "absent.png")).exit_code == 2
    (tmp_path / "blank.png").write_bytes(base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGP4DwABAQEAWk1v8QAAAABJRU5ErkJggg=="
    ))  # fmt: skip
    r = run("verify", "--image", str(tmp_path / "blank.png"))
    assert r.exit_code == 2 and "no QR code" in r.stderr
    assert run("verify", "--no-such-option").exit_code == 2


def test_verify_from_a_qr_image(run, payload, tmp_path):
    png = tmp_path / "euc.png"
    write_qr(payload, png)
    r = run("verify", "--image", str(png), "--at", "2025-06-01")
    assert r.exit_code == 0 and r.stdout.split()[0] == "valid"


def test_a_trust_list_file_from_another_installation(run, payload, tmp_path):
    exported = tmp_path / "list.note"
    vkey = run("pki", "trust-list", "export", str(exported)).stdout.strip()
    fresh = {"ENDUSE_HOME": str(tmp_path / "fresh")}
    r = run("verify", payload, "--at", "2025-06-01", "--trust-list", str(exported), env=fresh)
    assert r.exit_code == 2 and "unknown_key" in r.stderr and "--trust-list-key" in r.stderr
    r = run("verify", payload, "--at", "2025-06-01", "--trust-list", str(exported),
            "--trust-list-key", vkey, env=fresh)  # fmt: skip
    assert r.exit_code == 0 and r.stdout.split()[0] == "valid"
    assert (
        run("verify", payload, "--at", "2025-06-01", env=fresh).stdout.split()[0]
        == "unknown_signer"
    )
    tampered = tmp_path / "tampered.note"
    tampered.write_text(exported.read_text().replace('"active"', '"revoked"', 1))
    r = run("verify", payload, "--trust-list", str(tampered), "--trust-list-key", vkey, env=fresh)
    assert r.exit_code == 2 and "invalid_signature" in r.stderr


def test_trust_cert_and_a_foreign_prefix_check_the_envelope(run, tmp_path):
    vector = json.loads((VECTORS / "DE" / "2DCode" / "raw" / "1.json").read_text())
    cert = tmp_path / "dsc.der"
    cert.write_bytes(base64.b64decode(vector["TESTCTX"]["CERTIFICATE"]))
    args = ["verify", vector["PREFIX"], "--prefix", "HC1:", "--trust-cert", str(cert), "--json"]
    r = run(*args, "--at", "2021-06-01T20:00:00+02:00")
    assert r.exit_code == 0, r.stdout
    claims = json.loads(r.stdout)["document"]
    assert claims["1"] == "DE" and "-260" in claims
    assert run(*args, "--at", "2031-01-01").exit_code == 1


def test_the_installed_command(payload, home):
    """The console script itself: exit codes as a shell sees them."""
    exe = Path(sys.executable).with_name("enduse")
    env = {"ENDUSE_HOME": str(home), "PATH": "/usr/bin:/bin"}
    ok = subprocess.run(
        [exe, "verify", "--at", "2025-06-01"],
        input=payload,
        capture_output=True,
        text=True,
        env=env,
    )
    assert ok.returncode == 0 and ok.stdout.split()[0] == "valid"
    bad = subprocess.run([exe, "verify", payload[:-3]], capture_output=True, text=True, env=env)
    assert bad.returncode == 1 and bad.stdout.split()[0] in {
        "bad_base45",
        "bad_compression",
        "bad_cose",
    }
    usage = subprocess.run(
        [exe, "verify", "--at", "x", payload], capture_output=True, text=True, env=env
    )
    assert usage.returncode == 2


def test_an_attackers_own_trust_list_is_refused(run, payload, tmp_path, bundle_file):
    """Whoever hands over a forged EUC can hand over a trust list too: it must not count."""
    evil = {"ENDUSE_HOME": str(tmp_path / "evil")}
    run("pki", "init-state", "--state", "CZ", env=evil)
    run(
        "pki",
        "issue-signer",
        "--state",
        "CZ",
        "--authority",
        "CZ-MOD",
        "--documents",
        "EUC",
        env=evil,
    )
    forged = run(
        "euc", "sign", str(bundle_file), "--euc", "CZ-MOD-2025-0042", env=evil
    ).stdout.strip()
    evil_list = tmp_path / "evil.note"
    run("pki", "trust-list", "export", str(evil_list), env=evil)
    assert run("verify", forged, "--at", "2025-06-01").stdout.split()[0] == "unknown_signer"
    r = run("verify", forged, "--at", "2025-06-01", "--trust-list", str(evil_list))
    assert r.exit_code == 2 and r.stdout == ""


def test_hostile_files_are_refused_without_reading_them_whole(run, payload):
    r = run("verify", payload, "--trust-list", "/dev/zero")
    assert r.exit_code == 2 and "over the limit" in r.stderr
    r = run("verify", payload, "--trust-cert", "/dev/zero")
    assert r.exit_code == 2 and "over the limit" in r.stderr


def test_a_certificate_with_an_unknown_key_algorithm(run, payload, tmp_path, home):
    from cryptography.hazmat.primitives.serialization import Encoding

    from enduse.docs.local_pki import LocalPki

    signer = next(iter(LocalPki(home).store().signers.values()))
    der = signer.certificate.public_bytes(Encoding.DER)
    weird = tmp_path / "weird.der"
    weird.write_bytes(der.replace(bytes.fromhex("06032b6570"), bytes.fromhex("06032b6563")))
    r = run("verify", payload, "--trust-cert", str(weird))
    assert r.exit_code == 2 and "unsupported key algorithm" in r.stderr


def test_a_reader_that_stops_early_does_not_change_the_exit_code(payload, home):
    exe = Path(sys.executable).with_name("enduse")
    env = {"ENDUSE_HOME": str(home), "PATH": "/usr/bin:/bin"}
    for extra in ([], ["--json"]):
        proc = subprocess.Popen(
            [exe, "verify", "--at", "2025-06-01", *extra, payload],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
        )  # fmt: skip
        proc.stdout.close()  # like `| head -0`: nobody reads
        _, stderr = proc.communicate()
        assert proc.returncode == 0, stderr
        assert b"Traceback" not in stderr
