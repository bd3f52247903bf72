"""Run on both databases; a registry holding the seed scenario, a fresh EUC and one user per role."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from builders import fresh_euc, make_pki
from database_fixtures import engine, session
from enduse.docs.local_pki import LocalPki
from enduse.docs.signing import signer_of
from enduse.scenarios import scenario_text
from enduse.workflow.imports import record_bundle
from enduse.workflow.users import add_user

__all__ = ["desk", "engine", "fresh_euc", "pki", "session", "sign"]

SEED = json.loads(scenario_text())


USERS = [
    ("bob", "exporter", None, "p-exporter"),
    ("mallory", "exporter", None, "p-broker"),
    ("olga", "licensing_officer", "RS-EXPORT", None),
    ("carl", "customs", "CZ-CUSTOMS", None),
    ("boris", "customs", "BG-CUSTOMS", None),
    ("ivan", "issuing_authority", "CZ-MOD", None),
    ("petar", "issuing_authority", "BG-MOD", None),
    ("ann", "analyst", None, None),
    ("root", "admin", None, None),
]


@pytest.fixture
def desk(session: Session) -> Iterator[Session]:
    """The seed scenario, an EUC with 100 + 5000 left, and one user per role."""
    bundle = copy.deepcopy(SEED)
    bundle["eucs"].append(fresh_euc())
    record_bundle(session, bundle)
    for name, role, authority, party in USERS:
        add_user(session, name, role, authority=authority, party=party)
    session.commit()
    yield session


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> LocalPki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def sign(pki: LocalPki):  # type: ignore[no-untyped-def]
    return signer_of(pki)
