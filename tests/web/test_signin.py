"""Signing in over HTTP: the sign-in form's CSRF cookie, where the browser goes afterwards, and
the limits on guessing (the counting itself: tests/workflow/test_logins.py)."""

from __future__ import annotations

import asyncio
import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from concurrency import Peak
from enduse.registry import models as m
from enduse.registry.db import session_factory
from enduse.web import pages
from enduse.web.signin import safe_next
from enduse.workflow.logins import MAX_VERIFYING
from enduse.workflow.roles import PermissionDenied
from installation import PASSWORD, build_site, csrf_of, signed_in


def set_cookies(response: httpx.Response) -> list[str]:
    return [v for k, v in response.headers.multi_items() if k == "set-cookie"]


def next_field(html: str) -> str:
    found = re.search(r'name="next" value="([^"]*)"', html)
    assert found, "no next field in the sign-in form"
    return found.group(1)


# --- the double-submit cookie -----------------------------------------------------------------


def test_the_login_csrf_cookie_has_the_host_prefix_when_cookies_are_secure(engine, tmp_path):
    site = build_site(engine, tmp_path, secure_cookies=True)
    client = TestClient(site.app, base_url="https://testserver", follow_redirects=False)
    form = client.get("/login")
    (cookie,) = [c for c in set_cookies(form) if "login_csrf" in c]
    assert cookie.startswith("__Host-enduse_login_csrf=")
    # what the prefix demands of the browser: Secure, Path=/, no Domain
    assert "Secure" in cookie and "Path=/;" in cookie + ";" and "Domain" not in cookie
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    r = client.post("/login", data={"username": "olga", "password": PASSWORD,
                                    "csrf": csrf_of(form.text)})  # fmt: skip
    assert r.status_code == 303
    # the token is spent: deleted under the same name and path
    assert any(c.startswith('__Host-enduse_login_csrf=""') and "Path=/" in c
               for c in set_cookies(r))  # fmt: skip
    assert client.get("/").status_code == 200


def test_the_login_csrf_cookie_has_the_plain_name_over_plain_http(site):
    client = TestClient(site.app, follow_redirects=False)
    form = client.get("/login")
    (cookie,) = [c for c in set_cookies(form) if "login_csrf" in c]
    assert cookie.startswith("enduse_login_csrf=") and "Secure" not in cookie
    r = client.post("/login", data={"username": "olga", "password": PASSWORD,
                                    "csrf": csrf_of(form.text)})  # fmt: skip
    assert r.status_code == 303


# --- where the browser goes after signing in --------------------------------------------------


def test_a_form_posted_after_the_session_expired_returns_to_its_page(site, engine):
    client = signed_in(site)
    page = client.get("/cases/RS-2025-0107")
    with session_factory(engine)() as session, session.begin():
        session.execute(update(m.WebSessionRow).values(
            expires_at=datetime.now(UTC) - timedelta(minutes=1)))  # fmt: skip
    r = client.post("/cases/RS-2025-0107/decision",
                    data={"status": "suspended", "csrf": csrf_of(page.text)})  # fmt: skip
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=/cases/RS-2025-0107"  # not .../decision
    form = client.get(r.headers["location"])
    assert next_field(form.text) == "/cases/RS-2025-0107"
    r = client.post("/login", data={"username": "olga", "password": PASSWORD,
                                    "next": next_field(form.text), "csrf": csrf_of(form.text)})  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == "/cases/RS-2025-0107"
    assert client.get(r.headers["location"]).status_code == 200  # a page, not 405
    # any other form falls back to the dashboard
    stranger = TestClient(site.app, follow_redirects=False)
    r = stranger.post("/logout", data={"csrf": "x"})
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/"
    # a page fetched without a session comes back to itself
    r = stranger.get("/trace")
    assert r.headers["location"] == "/login?next=/trace"


HOSTILE = [
    "//evil.example",
    "///evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\nSet-Cookie: x=y",
    "",
]


@pytest.mark.parametrize("target", HOSTILE)
def test_next_is_only_ever_a_path_on_this_site(site, target):
    assert safe_next(target) == "/"
    client = TestClient(site.app, follow_redirects=False)
    form = client.get("/login", params={"next": target})
    assert next_field(form.text) == "/"
    r = client.post("/login", data={"username": "olga", "password": PASSWORD, "next": target,
                                    "csrf": csrf_of(form.text)})  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == "/"


@pytest.mark.parametrize("target", ["/", "/cases/RS-2025-0107", "/trace?licence=RS-2025-0131"])
def test_a_local_next_is_kept(target):
    assert safe_next(target) == target


# --- guessing ---------------------------------------------------------------------------------


def attempt(client: TestClient, name: str, password: str) -> httpx.Response:
    form = client.get("/login")
    return client.post("/login", data={"username": name, "password": password,
                                       "csrf": csrf_of(form.text)})  # fmt: skip


def test_five_failures_for_a_user_get_429_without_checking_the_password(site, monkeypatch):
    clients = [TestClient(site.app, follow_redirects=False, client=(f"192.0.2.{i}", 5000))
               for i in range(7)]  # fmt: skip
    for client in clients[:5]:  # one user name from five addresses
        assert attempt(client, "olga", "wrong password!!").status_code == 401

    def must_not_run(*_: Any, **__: Any) -> Any:
        raise AssertionError("the password was checked")

    monkeypatch.setattr(pages, "sign_in", must_not_run)
    r = attempt(clients[5], "olga", PASSWORD)  # even the right password
    assert r.status_code == 429
    assert "Too many failed sign-in attempts. Try again in 15 minutes." in r.text
    assert 14 * 60 < int(r.headers["retry-after"]) <= 15 * 60 + 1
    assert not any("enduse_session" in c for c in set_cookies(r))
    monkeypatch.undo()
    assert attempt(clients[6], "ann", PASSWORD).status_code == 303  # other users sign in


def test_five_failures_from_an_address_get_429_whatever_the_user_name(site):
    client = TestClient(site.app, follow_redirects=False, client=("203.0.113.9", 5000))
    for name in ("olga", "ann", "bob", "nobody", "root"):
        assert attempt(client, name, "wrong password!!").status_code == 401
    r = attempt(client, "carl", PASSWORD)
    assert r.status_code == 429 and "Too many failed sign-in attempts" in r.text
    elsewhere = TestClient(site.app, follow_redirects=False, client=("203.0.113.10", 5000))
    assert attempt(elsewhere, "carl", PASSWORD).status_code == 303


def test_a_success_resets_the_users_count(site):
    for i in range(4):
        client = TestClient(site.app, follow_redirects=False, client=(f"192.0.2.{i}", 5000))
        assert attempt(client, "olga", "wrong password!!").status_code == 401
    fresh = TestClient(site.app, follow_redirects=False, client=("198.51.100.1", 5000))
    assert attempt(fresh, "olga", PASSWORD).status_code == 303
    for i in range(4):  # four more failures before the fifth would lock
        client = TestClient(site.app, follow_redirects=False, client=(f"192.0.2.{10 + i}", 5000))
        assert attempt(client, "olga", "wrong password!!").status_code == 401
    fresh = TestClient(site.app, follow_redirects=False, client=("198.51.100.2", 5000))
    assert attempt(fresh, "olga", PASSWORD).status_code == 303


def test_at_most_max_verifying_sign_ins_are_checked_at_once(site, monkeypatch):
    peak = Peak()

    def slow_sign_in(*_: Any, **__: Any) -> Any:
        with peak.inside():
            time.sleep(0.1)
        raise PermissionDenied("unauthenticated", "wrong user name or password")

    monkeypatch.setattr(pages, "sign_in", slow_sign_in)

    async def one(i: int) -> int:
        transport = httpx.ASGITransport(site.app, client=(f"10.1.0.{i}", 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            form = await c.get("/login")
            r = await c.post("/login", data={"username": f"user{i}", "password": "x" * 12,
                                             "csrf": csrf_of(form.text)})  # fmt: skip
            return r.status_code

    async def flood() -> list[int]:
        return list(await asyncio.gather(*(one(i) for i in range(12))))

    assert asyncio.run(flood()) == [401] * 12
    assert peak.most == MAX_VERIFYING == 4
