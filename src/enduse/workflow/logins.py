"""Web sign-in: argon2id passwords, and server-side sessions whose cookie secret is kept hashed.

A session row holds the SHA-256 of the cookie's secret (a stolen database does not give
usable cookies) and the session's CSRF token; it ends at expiry, at sign-out, or when the
user is disabled (checked on every request, as for API tokens).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete
from sqlalchemy.orm import Session

from enduse.registry.models import UserRow, WebSessionRow
from enduse.workflow.roles import Action, PermissionDenied, User, authorize
from enduse.workflow.users import UserError, get_user

SESSION_LIFETIME = timedelta(hours=8)  # one working day
MIN_PASSWORD = 12
MAX_PASSWORD = 1024  # argon2 hashes anything, but a megabyte "password" is an attack
_hasher = PasswordHasher()  # argon2id with the library's (RFC 9106 low-memory) parameters
# A hash to verify against when the user does not exist, so the time taken does not tell.
_DUMMY = _hasher.hash("enduse: no such user")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def set_password(session: Session, name: str, password: str, by: User | None = None) -> None:
    """Give a user a web password (`by` None: the operator of this installation)."""
    if by is not None and by.name != name:
        authorize(by, Action.MANAGE_USERS)
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise UserError(f"a password has {MIN_PASSWORD} to {MAX_PASSWORD} characters")
    row = session.get(UserRow, name)
    if row is None:
        raise UserError(f"no user {name!r}")
    row.password_hash = _hasher.hash(password)
    # a new password ends every session signed in with the old one
    session.execute(delete(WebSessionRow).where(WebSessionRow.user == name))
    session.flush()


@dataclass(frozen=True)
class WebLogin:
    user: User
    cookie: str  # the secret for the browser; shown once, stored hashed
    csrf: str
    expires_at: datetime


def sign_in(session: Session, name: str, password: str, now: datetime | None = None) -> WebLogin:
    """A new session for a user whose password matches; one message for every failure."""
    now = now or datetime.now(UTC)
    row = session.get(UserRow, name) if len(name) <= 100 else None
    stored = row.password_hash if row is not None else None
    ok = False
    if len(password) <= MAX_PASSWORD:
        try:
            ok = _hasher.verify(stored or _DUMMY, password) and stored is not None
        except (VerificationError, InvalidHashError):
            ok = False
    if not ok or row is None or row.disabled:
        raise PermissionDenied("unauthenticated", "wrong user name or password")
    if _hasher.check_needs_rehash(row.password_hash or ""):
        row.password_hash = _hasher.hash(password)
    session.execute(delete(WebSessionRow).where(WebSessionRow.user == name,
                                                WebSessionRow.expires_at <= now))  # fmt: skip
    cookie = secrets.token_urlsafe(32)
    login = WebLogin(get_user(session, name), cookie, secrets.token_urlsafe(32),
                     now + SESSION_LIFETIME)  # fmt: skip
    session.add(
        WebSessionRow(digest=_digest(cookie), user=name, csrf=login.csrf, created_at=now,
                      expires_at=login.expires_at)
    )  # fmt: skip
    session.flush()
    return login


@dataclass(frozen=True)
class SignedIn:
    user: User
    csrf: str


def session_user(session: Session, cookie: str, now: datetime | None = None) -> SignedIn:
    """Who a session cookie belongs to; PermissionDenied("unauthenticated") otherwise."""
    now = now or datetime.now(UTC)
    if not cookie or len(cookie) > 100:
        raise PermissionDenied("unauthenticated", "not signed in")
    row = session.get(WebSessionRow, _digest(cookie))
    if row is None or _aware(row.expires_at) <= now:
        raise PermissionDenied("unauthenticated", "not signed in, or the session expired")
    user = get_user(session, row.user)
    if user.disabled:
        raise PermissionDenied("unauthenticated", f"user {user.name} is disabled")
    return SignedIn(user, row.csrf)


def csrf_matches(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())


def sign_out(session: Session, cookie: str) -> None:
    session.execute(delete(WebSessionRow).where(WebSessionRow.digest == _digest(cookie)))


def _aware(value: datetime) -> datetime:
    """SQLite gives back naive datetimes for timezone-aware columns; they were stored in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)
