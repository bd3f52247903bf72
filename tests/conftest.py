"""Shared fixtures: a throw-away ENDUSE_HOME, the seed scenario, a PKI, a signed EUC."""

from __future__ import annotations

from pathlib import Path

import pytest

from builders import CZ_EUC, make_pki
from enduse.docs.local_pki import LocalPki
from enduse.docs.signing import sign_euc
from enduse.domain.bundle import Bundle, load_bundle_text
from enduse.scenarios import scenario_text


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "home"
    monkeypatch.setenv("ENDUSE_HOME", str(path))
    monkeypatch.delenv("ENDUSE_KEY_PASSPHRASE", raising=False)
    return path


@pytest.fixture(scope="session")
def seed_bundle() -> Bundle:
    return load_bundle_text(scenario_text()).bundle


@pytest.fixture(scope="session")
def session_pki(tmp_path_factory: pytest.TempPathFactory) -> LocalPki:
    """One PKI for read-only tests (key generation is the slow part of setting one up)."""
    return make_pki(tmp_path_factory.mktemp("pki-home"))


@pytest.fixture
def pki(home: Path) -> LocalPki:
    """A PKI of its own, for tests that change it (revocation, imports)."""
    return make_pki(home)


@pytest.fixture(scope="session")
def cz_payload(session_pki: LocalPki, seed_bundle: Bundle) -> str:
    return sign_euc(seed_bundle, CZ_EUC, session_pki)
