"""API tokens: a random secret shown once, kept as its SHA-256, mapped back to its user."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from enduse.registry.models import ApiTokenRow
from enduse.workflow.roles import Action, PermissionDenied, User, authorize
from enduse.workflow.users import get_user

PREFIX = "eut_"  # recognisable in a leaked log or a secret scanner


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: Session, name: str, by: User | None = None) -> str:
    """A new token for user `name`; only its digest is stored."""
    if by is not None:
        authorize(by, Action.MANAGE_USERS)
    user = get_user(session, name)
    token = PREFIX + secrets.token_urlsafe(32)
    session.add(
        ApiTokenRow(
            digest=_digest(token), user=user.name, created_at=datetime.now(UTC), revoked=False
        )
    )
    session.flush()
    return token


def authenticate(session: Session, token: str) -> User:
    """The user a token belongs to; PermissionDenied("unauthenticated") otherwise."""
    if not token.startswith(PREFIX) or len(token) > 200:
        raise PermissionDenied("unauthenticated", "not an enduse API token")
    row = session.get(ApiTokenRow, _digest(token))
    if row is None or row.revoked:
        raise PermissionDenied("unauthenticated", "unknown or revoked token")
    user = get_user(session, row.user)
    if user.disabled:
        raise PermissionDenied("unauthenticated", f"user {user.name} is disabled")
    return user
