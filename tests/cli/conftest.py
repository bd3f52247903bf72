"""Run the CLI in-process against a throw-away ENDUSE_HOME."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from enduse.cli import app
from enduse.scenarios import scenario_text

Run = Callable[..., Result]


@pytest.fixture
def run(home: Path) -> Run:
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(
            app, list(args), input=input, env={"ENDUSE_HOME": str(home), **(env or {})}
        )

    return invoke


@pytest.fixture
def bundle_file(tmp_path: Path) -> Path:
    path = tmp_path / "seed.bundle.json"
    path.write_text(scenario_text())
    return path


@pytest.fixture
def demo_pki(run: Run) -> dict[str, str]:
    """CZ, RS, BG with signers as the scenario needs; returns authority -> kid."""
    for state in ("CZ", "RS", "BG"):
        assert (
            run("pki", "init-state", "--state", state, "--valid-from", "2025-01-01").exit_code == 0
        )
    kids = {}
    for state, authority, docs in (
        ("CZ", "CZ-MOD", "EUC"),
        ("BG", "BG-MOD", "EUC"),
        ("CZ", "CZ-CUSTOMS", "DVC"),
    ):
        r = run(
            "pki", "issue-signer", "--state", state, "--authority", authority, "--documents", docs
        )
        assert r.exit_code == 0, r.output
        kids[authority] = r.stdout.strip()
    return kids
