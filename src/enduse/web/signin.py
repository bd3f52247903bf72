"""Signed-in browsers: the session cookie, its user, and CSRF checks on every form.

The session lives server-side (`workflow.logins`); the cookie carries only its random secret,
HttpOnly, SameSite=Strict and, unless the server runs on plain-HTTP loopback, Secure with the
`__Host-` prefix. Every state-changing form carries the session's CSRF token (synchronizer
pattern); the sign-in form, which has no session yet, a double-submit token, whose cookie
takes the `__Host-` prefix too when cookies are Secure.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import Response

from enduse.api.context import Installation
from enduse.workflow.logins import SignedIn, csrf_matches, session_user
from enduse.workflow.roles import PermissionDenied


def cookie_name(inst: Installation) -> str:
    return "__Host-enduse_session" if inst.secure_cookies else "enduse_session"


def login_csrf_name(inst: Installation) -> str:
    """The sign-in form's double-submit cookie: `__Host-` (Secure, Path=/, no Domain) as the
    session's, so a sibling subdomain or a plain-HTTP page cannot plant a token of its own."""
    return "__Host-enduse_login_csrf" if inst.secure_cookies else "enduse_login_csrf"


class SignInRequired(Exception):
    """Raised by pages that need a user; answered with a redirect to the sign-in page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class BadCsrf(Exception):
    pass


@dataclass(frozen=True)
class Visitor:
    signed_in: SignedIn | None

    @property
    def user(self):  # type: ignore[no-untyped-def]
        return self.signed_in.user if self.signed_in else None

    @property
    def csrf(self) -> str:
        return self.signed_in.csrf if self.signed_in else ""


def visitor(inst: Installation, request: Request) -> Visitor:
    cookie = request.cookies.get(cookie_name(inst))
    if not cookie:
        return Visitor(None)
    with inst.read() as session:
        try:
            return Visitor(session_user(session, cookie))
        except PermissionDenied:
            return Visitor(None)


def require(inst: Installation, request: Request, return_to: str = "/") -> SignedIn:
    """The signed-in user, or SignInRequired. After signing in the browser GETs `next`, so a
    form posted once the session expired returns to `return_to`, a page (the case of a
    decision, say), never to the form's own URL that answers only POST."""
    found = visitor(inst, request).signed_in
    if found is None:
        fetchable = request.method in ("GET", "HEAD")
        raise SignInRequired(request.url.path if fetchable else return_to)
    return found


def safe_next(path: str) -> str:
    """Where to go after signing in: only a path on this site, else "/". Never a scheme
    (`https:`, `javascript:`), a host (`//evil.example`), a backslash (browsers read a
    backslash as a slash) or a control character (browsers drop tabs and newlines, so a
    slash, a tab and a slash would become `//`)."""
    if (
        not path.startswith("/")
        or path.startswith("//")
        or "\\" in path
        or any(ord(c) < 0x20 or ord(c) == 0x7F for c in path)
        or len(path) > 2000
    ):
        return "/"
    parts = urlsplit(path)
    return path if not parts.scheme and not parts.netloc else "/"


async def check_csrf(request: Request, signed_in: SignedIn) -> dict[str, str]:
    """The posted form, once its CSRF token (field `csrf` or header X-CSRF-Token) matches."""
    form = await request.form()
    given = request.headers.get("x-csrf-token") or form.get("csrf")
    if not isinstance(given, str) or not csrf_matches(signed_in.csrf, given):
        raise BadCsrf()
    return {k: v for k, v in form.multi_items() if isinstance(v, str)}


def set_session_cookie(inst: Installation, response: Response, secret: str, max_age: int) -> None:
    response.set_cookie(
        cookie_name(inst), secret, max_age=max_age, path="/", httponly=True,
        secure=inst.secure_cookies, samesite="strict",
    )  # fmt: skip


def new_login_csrf() -> str:
    return secrets.token_urlsafe(24)
