"""`enduse demo` (what `make demo` runs) works on an empty home, and again on its own state."""

from __future__ import annotations

from enduse.docs.qr import read_qr


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
    second = run("demo")
    assert second.exit_code == 0, second.output
    assert "created the CSCA" not in second.stderr  # the PKI is reused
    # the audit runs before the desk is set up: the EUC and the application are two changes
    assert "registry audit: consistent: 26 records, 26 changes, log size 26" in second.stdout
