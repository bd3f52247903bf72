"""Users in the registry (SQLite and PostgreSQL)."""

from __future__ import annotations

import copy
import json

import pytest

from enduse.registry.bundle_io import import_bundle
from enduse.scenarios import scenario_text
from enduse.workflow.roles import Action, PermissionDenied, Role, Subject, authorize
from enduse.workflow.users import UserError, add_user, disable_user, get_user, list_users


@pytest.fixture
def seeded(session):
    import_bundle(session, copy.deepcopy(json.loads(scenario_text())))
    session.commit()
    return session


def test_users_are_bound_as_their_role_requires(seeded):
    admin = add_user(seeded, "alice", "admin")
    bob = add_user(seeded, "bob", "exporter", party="p-exporter", by=admin)
    dan = add_user(seeded, "dan", "licensing_officer", authority="RS-EXPORT", by=admin)
    seeded.commit()
    assert get_user(seeded, "dan").authority_state == "RS"
    assert [u.name for u in list_users(seeded)] == ["alice", "bob", "dan"]
    authorize(get_user(seeded, "bob"), Action.APPLY, Subject(party="p-exporter"))
    assert bob.role is Role.EXPORTER and dan.authority == "RS-EXPORT"
    for args, message in [
        (("x", "exporter"), "acts for a party"),
        (("x", "customs"), "works for an authority"),
        (("x", "analyst", "CZ-MOD"), "not bound to an authority"),
        (("x", "admin", None, "p-exporter"), "not bound to a party"),
        (("x", "general"), "unknown role"),
        (("x", "customs", "NO-SUCH"), "no authority 'NO-SUCH'"),
        (("x", "exporter", None, "p-none"), "no party 'p-none'"),
        (("bad name", "admin"), "bad user name"),
        (("alice", "admin"), "already exists"),
    ]:
        with pytest.raises(UserError, match=message):
            add_user(seeded, *args)


def test_only_an_admin_manages_users_and_disabled_users_do_nothing(seeded):
    admin = add_user(seeded, "alice", "admin")
    bob = add_user(seeded, "bob", "exporter", party="p-exporter", by=admin)
    with pytest.raises(PermissionDenied):
        add_user(seeded, "eve", "admin", by=bob)
    disable_user(seeded, "bob", by=admin)
    with pytest.raises(PermissionDenied, match="disabled"):
        authorize(get_user(seeded, "bob"), Action.READ)
    with pytest.raises(UserError, match="themself"):
        disable_user(seeded, "alice", by=admin)
    with pytest.raises(PermissionDenied, match="no user"):
        get_user(seeded, "nobody")
