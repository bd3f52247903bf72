"""Web sign-in: argon2id passwords, and server-side sessions whose cookie secret is kept hashed.

A session row holds the SHA-256 of the cookie's secret (a stolen database does not give
usable cookies) and the session's CSRF token; it ends at expiry, at sign-out, or when the
user is disabled (checked on every request, as for API tokens).

Guessing is slowed twice over: `Throttle` counts failed sign-ins per user name and per client
address, and at most `MAX_VERIFYING` argon2 hashes are computed at a time per process (each
takes 64 MiB and four lanes), so a flood of sign-ins cannot take every CPU and all memory.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
import secrets
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
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
MAX_VERIFYING = 4  # argon2 computations at a time in one process
_verifying = threading.BoundedSemaphore(MAX_VERIFYING)


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
    with _verifying:
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
            with _verifying:
                ok = _hasher.verify(stored or _DUMMY, password) and stored is not None
        except (VerificationError, InvalidHashError):
            ok = False
    if not ok or row is None or row.disabled:
        raise PermissionDenied("unauthenticated", "wrong user name or password")
    if _hasher.check_needs_rehash(row.password_hash or ""):
        with _verifying:
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


class Throttle:
    """Failed sign-ins per user name and per client address over a sliding window.

    After `limit` failures within `window` for a user name, or from an address, further
    attempts are refused without checking the password until the oldest of them is older
    than `window`. A success forgets the user name's failures, but not the address's: an
    attacker with an account of its own must not clear its address by signing in between
    guesses. An attempt counts as failed from its start, so attempts sent at once cannot
    slip past the count while their passwords are being checked.

    Held in memory, per process: each web worker counts on its own (with N workers, up to
    N x `limit` guesses per window), and a restart forgets. At most `capacity` user names and
    addresses are remembered, the least recently tried forgotten first. IPv6 addresses count
    per /64, what one subscriber usually holds."""

    def __init__(
        self, limit: int = 5, window: timedelta = timedelta(minutes=15), capacity: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:  # fmt: skip
        self.limit, self.window, self.capacity = limit, window.total_seconds(), capacity
        self._clock = clock
        self._tries: OrderedDict[tuple[str, str], deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def start(self, name: str, address: str | None) -> float:
        """Seconds before this user name may be tried again from this address. 0: go ahead,
        and the attempt counts as failed until `succeeded` or `abandoned` says otherwise."""
        now = self._clock()
        keys = _keys(name, address)
        with self._lock:
            wait = max(self._wait(key, now) for key in keys)
            if wait > 0:
                return wait
            for key in keys:
                tries = self._tries.pop(key, None) or deque(maxlen=self.limit)
                tries.append(now)
                self._tries[key] = tries  # the most recently tried last
            while len(self._tries) > self.capacity:
                self._tries.popitem(last=False)
            return 0.0

    def succeeded(self, name: str, address: str | None) -> None:
        """The password was right: forget the user name's failures and this attempt."""
        user, *rest = _keys(name, address)
        with self._lock:
            self._tries.pop(user, None)
            self._undo(rest)

    def abandoned(self, name: str, address: str | None) -> None:
        """The password was not checked (the server was busy): the attempt counts nowhere."""
        with self._lock:
            self._undo(_keys(name, address))

    def __len__(self) -> int:
        return len(self._tries)

    def _wait(self, key: tuple[str, str], now: float) -> float:
        tries = self._tries.get(key)
        if tries is None:
            return 0.0
        while tries and tries[0] <= now - self.window:
            tries.popleft()
        if not tries:
            del self._tries[key]
            return 0.0
        return tries[-self.limit] + self.window - now if len(tries) >= self.limit else 0.0

    def _undo(self, keys: list[tuple[str, str]]) -> None:
        for key in keys:
            tries = self._tries.get(key)
            if tries:
                tries.pop()
            if tries is not None and not tries:
                del self._tries[key]


def _keys(name: str, address: str | None) -> list[tuple[str, str]]:
    keys = [("user", name[:100])]  # longer names are no user's (sign_in refuses them)
    if address:
        keys.append(("address", _network(address)))
    return keys


def minutes(seconds: float) -> int:
    """Whole minutes to tell a person to wait (never 0)."""
    return max(1, math.ceil(seconds / 60))


def _network(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _aware(value: datetime) -> datetime:
    """SQLite gives back naive datetimes for timezone-aware columns; they were stored in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)
