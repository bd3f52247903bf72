"""The permission table and the scoping of state-bound roles."""

from __future__ import annotations

import pytest

from enduse.workflow.roles import (
    PERMISSIONS,
    Action,
    PermissionDenied,
    Role,
    Subject,
    User,
    authorize,
)

EXPORTER = User("exp", Role.EXPORTER, party="p-exporter")
OFFICER = User("off", Role.LICENSING_OFFICER, authority="RS-EXPORT", authority_state="RS")
ISSUER = User("iss", Role.ISSUING_AUTHORITY, authority="CZ-MOD", authority_state="CZ")
CUSTOMS = User("cus", Role.CUSTOMS, authority="BG-CUSTOMS", authority_state="BG")
ANALYST = User("ana", Role.ANALYST)
ADMIN = User("adm", Role.ADMIN)
EVERYONE = [EXPORTER, OFFICER, ISSUER, CUSTOMS, ANALYST, ADMIN]


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("user", EVERYONE, ids=lambda u: u.role)
def test_the_table_decides_by_role(user, action):
    if user.role in PERMISSIONS[action]:
        authorize(user, action)
    else:
        with pytest.raises(PermissionDenied) as info:
            authorize(user, action)
        assert info.value.reason == "role"


def test_an_analyst_reads_and_records_only_observations():
    assert [a for a in Action if Role.ANALYST in PERMISSIONS[a]] == [
        Action.READ,
        Action.AUDIT,
        Action.REPORT,
        Action.RECORD_OBSERVATION,  # open-source reports: evidence, never a decision
    ]


def test_an_exporter_acts_only_for_its_own_party():
    authorize(EXPORTER, Action.APPLY, Subject(party="p-exporter"))
    with pytest.raises(PermissionDenied, match="acts for p-exporter, not p-other") as info:
        authorize(EXPORTER, Action.APPLY, Subject(party="p-other"))
    assert info.value.reason == "scope"


def test_an_issuing_authority_speaks_only_for_its_state():
    authorize(ISSUER, Action.REGISTER_EUC, Subject(state="CZ"))
    with pytest.raises(PermissionDenied, match="not for BG"):
        authorize(ISSUER, Action.REGISTER_EUC, Subject(state="BG"))


def test_officers_work_only_for_their_authority():
    authorize(OFFICER, Action.DECIDE_LICENCE, Subject(authority="RS-EXPORT"))
    with pytest.raises(PermissionDenied, match="not for HU-EXPORT"):
        authorize(OFFICER, Action.DECIDE_LICENCE, Subject(authority="HU-EXPORT"))
    with pytest.raises(PermissionDenied, match="not for CZ-CUSTOMS"):
        authorize(CUSTOMS, Action.ADD_DVC, Subject(authority="CZ-CUSTOMS"))


def test_a_disabled_user_may_do_nothing():
    gone = User("old", Role.ADMIN, disabled=True)
    with pytest.raises(PermissionDenied) as info:
        authorize(gone, Action.READ)
    assert info.value.reason == "disabled"
