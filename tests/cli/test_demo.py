"""`enduse demo` (what `make demo` runs) works on an empty home, and again on its own state."""

from __future__ import annotations

from enduse.config import database_url
from enduse.docs.qr import read_qr
from enduse.registry.local import open_registry
from enduse.registry.models import UserRow
from enduse.workflow.logins import sign_in


def password_hashes(home) -> dict[str, str | None]:  # type: ignore[no-untyped-def]
    with open_registry(home, database_url())() as session:
        return {u.name: u.password_hash for u in session.query(UserRow)}


def test_demo_runs_twice(run, home):
    first = run("demo")
    assert first.exit_code == 0, first.output
    for word in ("valid", "expired", "bad_signature", "unknown_signer"):
        assert word in first.stdout
    qr = home / "demo" / "qr"
    assert read_qr(qr / "CZ-MOD-2025-0042.png").startswith("EUC1:")
    assert (qr / "BG-MOD-2025-0310.svg").exists()
    assert "registry audit: consistent: 24 records, 24 changes, log size 24" in first.stdout
    # the demo list screened the broker (B1), and a fresh EUC waits with an application
    assert "B1\thigh\tparty p-broker\tmatches Danube Defense Trading Limited" in first.stdout
    assert "licence RS-2026-0900" in first.stdout
    # the seed article read like any report: its transfer, and the licences it concerns (G7)
    assert "The seed article alleges RS -> UA via unnamed intermediaries" in first.stdout
    assert "RS-2025-0107\tmedium\ta report alleges" in first.stdout
    hashes = password_hashes(home)
    assert set(hashes) == {"officer", "analyst", "exporter", "customs", "ministry", "admin"}
    assert all(hashes.values()) and "left alone" not in first.stderr
    second = run("demo")
    assert second.exit_code == 0, second.output
    # the users of the first run keep the passwords it printed
    assert password_hashes(home) == hashes
    assert (
        "left alone the existing users officer, analyst, exporter, customs, ministry, admin: "
        "their passwords are unchanged" in " ".join(second.stderr.split())
    )
    assert "created the CSCA" not in second.stderr  # the PKI is reused
    # the audit runs before the desk is set up: the first run added the EUC, the application
    # and the seed article's observation
    assert "registry audit: consistent: 27 records, 27 changes, log size 27" in second.stdout


def test_demo_does_not_reset_the_password_of_an_existing_user(run, home):
    assert run("users", "add", "admin", "--role", "admin").exit_code == 0
    r = run("users", "password", "admin", "--stdin", input="the operator's own password\n")
    assert r.exit_code == 0, r.output
    before = password_hashes(home)["admin"]
    r = run("demo")
    assert r.exit_code == 0, r.output
    assert "left alone the existing users admin:" in " ".join(r.stderr.split())
    hashes = password_hashes(home)
    assert hashes["admin"] == before
    assert all(hashes[n] for n in ("officer", "analyst", "exporter", "customs", "ministry"))
    with open_registry(home, database_url())() as session, session.begin():
        assert sign_in(session, "admin", "the operator's own password").user.name == "admin"
