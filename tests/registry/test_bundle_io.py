"""Bundle import and export on the registry: strict, atomic, lossless (SQLite and PostgreSQL)."""

from __future__ import annotations

import copy
import json

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from enduse.domain.errors import DomainError
from enduse.registry.bundle_io import export_bundle, import_bundle
from enduse.registry.models import Base
from enduse.scenarios import scenario_text

SEED = json.loads(scenario_text())
LISTS = [k for k in SEED if isinstance(SEED[k], list)]


def objects(bundle: dict) -> dict:
    return {k: bundle.get(k, []) for k in LISTS}


def problems(error: DomainError) -> list[tuple[str, str]]:
    return [(p.path, p.reason) for p in error.problems]


def test_the_migrations_build_exactly_the_models(engine):
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_seed_import_export_is_lossless(session):
    result = import_bundle(session, copy.deepcopy(SEED))
    session.commit()
    assert result.counts["eucs"] == 2 and result.counts["shipments"] == 2
    exported = export_bundle(session)
    assert objects(exported) == objects(SEED)
    assert exported["format"] == "enduse.bundle/1"


def test_export_imports_again_into_an_empty_registry(session, engine, tmp_path):
    import_bundle(session, copy.deepcopy(SEED))
    session.commit()
    first = export_bundle(session)
    from enduse.registry.db import make_engine, session_factory
    from enduse.registry.migrate import upgrade

    other = make_engine(f"sqlite:///{tmp_path / 'second.sqlite'}")
    upgrade(other)
    with session_factory(other)() as second:
        import_bundle(second, copy.deepcopy(first))
        second.commit()
        assert export_bundle(second) == first


def test_a_bad_bundle_changes_nothing_and_names_every_problem(session):
    import_bundle(session, {"format": "enduse.bundle/1", "parties": SEED["parties"][:1]})
    session.commit()
    before = export_bundle(session)
    bad = copy.deepcopy(SEED)
    bad["eucs"][0]["items"][0]["quantity"] = "30000"
    bad["parties"][1]["kind"] = "army"
    with pytest.raises(DomainError) as info:
        import_bundle(session, bad)
    session.rollback()
    assert set(problems(info.value)) == {
        ("$.eucs[0].items[0].quantity", "wrong_type"),
        ("$.parties[1].kind", "unknown_value"),
    }
    assert export_bundle(session) == before


def test_identities_already_registered_are_duplicates(session):
    import_bundle(session, copy.deepcopy(SEED))
    session.commit()
    before = export_bundle(session)
    with pytest.raises(DomainError) as info:
        import_bundle(session, copy.deepcopy(SEED))
    session.rollback()
    found = problems(info.value)
    assert ("$.parties[0]", "duplicate") in found
    assert ("$.eucs[1]", "duplicate") in found
    assert ("$.licences[0]", "duplicate") in found
    assert export_bundle(session) == before


def test_references_resolve_to_the_registry(session):
    base = {k: SEED[k] for k in ("format", "authorities", "parties")}
    import_bundle(session, copy.deepcopy(base))
    session.commit()
    rest = {k: v for k, v in SEED.items() if k not in ("authorities", "parties")}
    import_bundle(session, copy.deepcopy(rest))
    session.commit()
    assert objects(export_bundle(session)) == objects(SEED)
    licence = dict(SEED["licences"][0], licence_number="L-9")
    licence["euc"] = {"issuing_authority": "CZ-MOD", "euc_number": "NO-SUCH"}
    dangling = {"format": "enduse.bundle/1", "licences": [licence]}
    with pytest.raises(DomainError) as info:
        import_bundle(session, dangling)
    assert problems(info.value) == [("$.licences[0].euc", "dangling_reference")]


def test_recorded_overdraws_are_accepted_for_the_risk_engine(session):
    bundle = copy.deepcopy(SEED)
    twin = dict(bundle["licences"][0], licence_number="RS-2025-0999")  # twice the EUC's quantities
    bundle["licences"].append(twin)
    bundle["shipments"][0]["items"][0]["quantity"] = 99_999  # above its licence
    import_bundle(session, bundle)
    session.commit()
    assert len(export_bundle(session)["licences"]) == 3


def test_unknown_keys_are_kept_and_warned(session):
    bundle = copy.deepcopy(SEED)
    bundle["eucs"][0]["items"][0]["colour"] = "olive"
    result = import_bundle(session, bundle)
    session.commit()
    assert [w.path for w in result.warnings] == ["$.eucs[0].items[0].colour"]
    assert export_bundle(session)["eucs"][0]["items"][0]["colour"] == "olive"


def test_numbers_come_back_as_they_were_recorded(session):
    bundle = copy.deepcopy(SEED)
    bundle["eucs"][0]["items"][0]["colour"] = 1e20  # JSONB would give back the integer 10**20
    bundle["eucs"][0]["items"][1]["quantity"] = 1000000.0
    import_bundle(session, bundle)
    session.commit()
    items = export_bundle(session)["eucs"][0]["items"]
    assert isinstance(items[0]["colour"], float) and items[0]["colour"] == 1e20
    assert isinstance(items[1]["quantity"], float)
    assert items == bundle["eucs"][0]["items"]
