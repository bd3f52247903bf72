"""Users of the registry: added, listed, disabled (never deleted: decisions name who took them)."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from enduse.registry.models import AuthorityRow, PartyRow, UserRow
from enduse.workflow.roles import BINDING, Action, PermissionDenied, Role, User, authorize

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,99}")


class UserError(ValueError):
    pass


def _user(session: Session, row: UserRow) -> User:
    state = None
    if row.authority:
        state = session.scalar(select(AuthorityRow.state).where(AuthorityRow.id == row.authority))
    return User(row.name, Role(row.role), row.authority, state, row.party, row.disabled)


def get_user(session: Session, name: str) -> User:
    row = session.get(UserRow, name)
    if row is None:
        raise PermissionDenied("unknown", f"no user {name!r}")
    return _user(session, row)


def add_user(
    session: Session,
    name: str,
    role: str,
    authority: str | None = None,
    party: str | None = None,
    by: User | None = None,
) -> User:
    """Add a user. `by` is the user asking (the API always names one and needs an admin);
    None is the operator of this installation, who already holds its files and keys."""
    if by is not None:
        authorize(by, Action.MANAGE_USERS)
    if not _NAME.fullmatch(name):
        raise UserError(f"bad user name {name!r}: letters, digits, . _ @ -, up to 100")
    try:
        parsed = Role(role)
    except ValueError:
        raise UserError(f"unknown role {role!r}; roles: {', '.join(Role)}") from None
    needs = BINDING[parsed]
    if needs == "party" and not party:
        raise UserError(f"the role {parsed} acts for a party: give --party")
    if needs == "authority" and not authority:
        raise UserError(f"the role {parsed} works for an authority: give --authority")
    if needs != "party" and party:
        raise UserError(f"the role {parsed} is not bound to a party")
    if needs != "authority" and authority:
        raise UserError(f"the role {parsed} is not bound to an authority")
    if authority and session.get(AuthorityRow, authority) is None:
        raise UserError(f"no authority {authority!r} in the registry")
    if party and session.get(PartyRow, party) is None:
        raise UserError(f"no party {party!r} in the registry")
    if session.get(UserRow, name) is not None:
        raise UserError(f"user {name!r} already exists")
    row = UserRow(name=name, role=parsed.value, authority=authority, party=party, disabled=False)
    session.add(row)
    session.flush()
    return _user(session, row)


def list_users(session: Session) -> list[User]:
    return [_user(session, row) for row in session.scalars(select(UserRow).order_by(UserRow.name))]


def disable_user(session: Session, name: str, by: User | None = None) -> User:
    if by is not None:
        authorize(by, Action.MANAGE_USERS)
    row = session.get(UserRow, name)
    if row is None:
        raise UserError(f"no user {name!r}")
    if by is not None and row.name == by.name:
        raise UserError("an admin cannot disable themself")
    row.disabled = True
    session.flush()
    return _user(session, row)
