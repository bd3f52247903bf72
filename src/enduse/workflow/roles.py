"""Who may do what, decided in one place below every interface (CLI, API, UI cannot differ).

A pure table of actions to roles, plus the scoping rules of state-bound roles:
an exporter acts only for its own party, an issuing authority only on its own
state's documents, a licensing officer or customs officer only for its own
authority.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    EXPORTER = "exporter"
    LICENSING_OFFICER = "licensing_officer"
    ISSUING_AUTHORITY = "issuing_authority"
    CUSTOMS = "customs"
    ANALYST = "analyst"
    ADMIN = "admin"


class Action(StrEnum):
    READ = "read"
    IMPORT = "import"
    REGISTER_EUC = "register_euc"
    APPLY = "apply"
    DECIDE_LICENCE = "decide_licence"
    SHIP = "ship"
    ADD_DVC = "add_dvc"
    ADD_SIGNED_DVC = "add_signed_dvc"
    REQUEST_REEXPORT = "request_reexport"
    DECIDE_REEXPORT = "decide_reexport"
    AUDIT = "audit"
    REPORT = "report"
    MANAGE_USERS = "manage_users"
    RECORD_OBSERVATION = "record_observation"


R = Role
PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.READ: frozenset(Role),
    Action.IMPORT: frozenset({R.ADMIN}),  # a bundle records anything: no per-object scoping
    Action.REGISTER_EUC: frozenset({R.ISSUING_AUTHORITY, R.LICENSING_OFFICER, R.ADMIN}),
    Action.APPLY: frozenset({R.EXPORTER}),
    Action.DECIDE_LICENCE: frozenset({R.LICENSING_OFFICER}),
    Action.SHIP: frozenset({R.EXPORTER}),
    Action.ADD_DVC: frozenset({R.CUSTOMS}),
    Action.ADD_SIGNED_DVC: frozenset(
        {R.CUSTOMS, R.LICENSING_OFFICER}
    ),  # the signature is the issuer
    Action.REQUEST_REEXPORT: frozenset({R.EXPORTER, R.ISSUING_AUTHORITY}),
    Action.DECIDE_REEXPORT: frozenset({R.LICENSING_OFFICER}),
    Action.AUDIT: frozenset({R.ADMIN, R.ANALYST, R.LICENSING_OFFICER}),
    Action.RECORD_OBSERVATION: frozenset({R.ADMIN, R.ANALYST}),
    Action.REPORT: frozenset({R.ADMIN, R.ANALYST, R.LICENSING_OFFICER}),
    Action.MANAGE_USERS: frozenset({R.ADMIN}),
}

# What a role must be bound to, so that its scope can be checked.
BINDING: dict[Role, str | None] = {
    R.EXPORTER: "party",
    R.LICENSING_OFFICER: "authority",
    R.ISSUING_AUTHORITY: "authority",
    R.CUSTOMS: "authority",
    R.ANALYST: None,
    R.ADMIN: None,
}


class PermissionDenied(PermissionError):
    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason  # 'disabled' | 'role' | 'scope'


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    authority: str | None = None
    authority_state: str | None = None
    party: str | None = None
    disabled: bool = False


@dataclass(frozen=True)
class Subject:
    """What an action touches, as far as scoping needs to know."""

    party: str | None = None  # the applicant / exporter / requesting party
    authority: str | None = None  # the authority the document belongs to or is decided by
    state: str | None = None  # the state whose document it is


def authorize(user: User, action: Action, subject: Subject = Subject()) -> None:
    """Raise PermissionDenied naming why, unless `user` may do `action` on `subject`."""
    if user.disabled:
        raise PermissionDenied("disabled", f"user {user.name} is disabled")
    if user.role not in PERMISSIONS[action]:
        allowed = ", ".join(sorted(PERMISSIONS[action]))
        raise PermissionDenied(
            "role", f"{user.name} ({user.role}) may not {action}: needs {allowed}"
        )
    if action is Action.READ:
        return
    if user.role is Role.EXPORTER and subject.party is not None and subject.party != user.party:
        raise PermissionDenied("scope", f"{user.name} acts for {user.party}, not {subject.party}")
    if (
        user.role is Role.ISSUING_AUTHORITY
        and subject.state is not None
        and subject.state != user.authority_state
    ):
        raise PermissionDenied(
            "scope", f"{user.name} speaks for {user.authority_state}, not for {subject.state}"
        )
    if (
        user.role in (Role.LICENSING_OFFICER, Role.CUSTOMS)
        and subject.authority is not None
        and subject.authority != user.authority
    ):
        raise PermissionDenied(
            "scope", f"{user.name} works for {user.authority}, not for {subject.authority}"
        )
