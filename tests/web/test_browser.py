"""The pages in a real browser: headless Debian Chromium (Playwright) against the app served by
uvicorn on loopback. Sign in, open the riskiest case and see its red flags, decide a case,
verify an uploaded QR picture and see a forged one rejected, on a desktop and on a phone.

Each page visited is kept as a full-page PNG in test-artifacts/screenshots/ (see conftest.py),
and no page may log a console error: the CSP forbids inline scripts and styles, so a template
or htmx tripping it shows up here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from builders import with_claims
from enduse.docs.qr import qr_png
from installation import PASSWORD, Site

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import ConsoleMessage, Page, expect

AT = "2026-06-01T12:00"  # when the new CZ EUC is valid
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}  # fmt: skip
expect.set_options(timeout=10_000)


class Visit:
    """One browser tab: console errors and uncaught exceptions collected, pages screenshotted."""

    def __init__(self, browser: Any, base_url: str, shots: Path, **context: Any) -> None:
        self.context = browser.new_context(base_url=base_url, **context)
        self.page: Page = self.context.new_page()
        self.errors: list[str] = []  # "page url: message (source url)"
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.errors.append(f"{self.page.url}: {e}"))
        self.shots = shots

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            source = message.location.get("url", "")
            self.errors.append(f"{self.page.url}: {message.text} ({source})")

    def shot(self, name: str) -> None:
        self.page.screenshot(path=self.shots / f"{name}.png", full_page=True)

    def no_console_errors(self, *expected: str) -> None:
        """No console errors but those matching `expected` (e.g. a deliberate 422 answer)."""
        known = expected
        unexpected = [e for e in self.errors if not any(re.search(x, e) for x in known)]
        assert unexpected == [], unexpected

    def close(self) -> None:
        self.context.close()


def tabs(browser: Any, served: tuple[Site, str], shots: Path) -> Iterator[tuple[Site, Any]]:
    site, base_url = served
    opened: list[Visit] = []

    def open_tab(**context: Any) -> Visit:
        opened.append(Visit(browser, base_url, shots, **context))
        return opened[-1]

    yield site, open_tab
    for tab in opened:
        tab.close()


@pytest.fixture
def visit(browser, live_site, screenshots):  # type: ignore[no-untyped-def]
    """Tabs on an installation of the test's own: for tests that change something."""
    yield from tabs(browser, live_site, screenshots)


@pytest.fixture
def public_visit(browser, public_site, screenshots):  # type: ignore[no-untyped-def]
    """Tabs on the module's shared installation: for tests that change nothing."""
    yield from tabs(browser, public_site, screenshots)


def sign_in(tab: Visit, name: str = "olga", next_path: str = "/", shot: str | None = None) -> None:
    page = tab.page
    page.goto(f"/login?next={next_path}")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    if shot:
        tab.shot(shot)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".who")).to_contain_text(name)


def upload_qr(tab: Visit, png: Path, at: str = AT) -> None:
    page = tab.page
    page.goto("/verify")
    expect(page.get_by_role("heading", name="Verify a document")).to_be_visible()
    page.set_input_files("input[name=image]", png)
    page.locator("details summary").click()  # "Verify as of another moment (auditors)"
    page.fill("input[name=at]", at)
    page.get_by_role("button", name="Verify").click()
    expect(page.locator(".verdict .big")).to_be_visible()


def qr_file(directory: Path, name: str, payload: str) -> Path:
    path = directory / name
    path.write_bytes(qr_png(payload))
    return path


def forged(signed: str) -> str:
    """The same signature over claims that now name Ukraine as the final destination."""
    return with_claims(signed, lambda c: c[-70000].update(country_of_final_destination="UA"))


def test_sign_in_open_the_riskiest_case_and_see_its_red_flags(visit):
    _, open_tab = visit
    tab = open_tab()
    page = tab.page
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=/$"))  # signed out: sent to sign in
    sign_in(tab, "olga", next_path="/%3Fat%3D2025-07-01", shot="01-login")
    expect(page).to_have_url(re.compile(r"/\?at=2025-07-01$"))
    expect(page.get_by_role("heading", name="Open cases, riskiest first")).to_be_visible()
    scores = [int(s) for s in page.locator("table.cases .score").all_inner_texts()]
    assert scores and scores == sorted(scores, reverse=True)
    tab.shot("02-dashboard")

    first = page.locator("a.case-link").first
    expect(first).to_have_text("RS-2025-0131")  # the BG licence whose lots turned up in Ukraine
    first.click()
    expect(page).to_have_url(re.compile(r"/cases/RS-2025-0131\?at=2025-07-01$"))
    expect(page.get_by_role("heading", name=re.compile(r"^Case RS-2025-0131"))).to_be_visible()
    flags = page.locator("#flags .flag")
    expect(flags.first).to_be_visible()
    assert flags.count() >= 1
    badge = flags.first.locator(".badge")
    expect(badge).to_have_text(re.compile(r"^[A-Z][A-Z0-9_.-]+ · (high|medium|low)$"))
    expect(page.locator("#flags h2 .score")).to_have_text(re.compile(r"^[1-9]\d*$"))
    flags.first.locator("summary").click()  # the evidence behind the flag
    expect(flags.first.locator("dl.evidence").first).to_be_visible()
    tab.shot("03-case-red-flags")
    tab.no_console_errors()


def test_decide_a_case_and_see_a_refusal_without_criteria_named(visit):
    site, open_tab = visit
    tab = open_tab()
    page = tab.page
    sign_in(tab, "olga")
    page.goto(f"/cases/{site.application}")
    expect(page.locator("#euc .verdict-small.ok")).to_have_text(re.compile(r"^VALID"))
    status = page.locator("h1 .status")
    expect(status).to_have_text("applied")
    decide = page.get_by_role("button", name="Record the decision")

    # refusing needs the criteria it rests on: the page says so and nothing changes
    page.locator("select[name=status]").select_option("refused")
    decide.click()
    problem = page.locator(".problem[role=alert]")
    expect(problem).to_contain_text("criteri")
    expect(status).to_have_text("applied")
    tab.shot("04-case-refusal-without-criteria")

    page.locator("select[name=status]").select_option("issued")
    decide.click()
    expect(page).to_have_url(re.compile(rf"/cases/{site.application}\?done=issued$"))
    expect(page.locator(".notice")).to_contain_text("Decision recorded: issued")
    expect(status).to_have_text("issued")
    expect(problem).to_have_count(0)
    tab.shot("05-case-decided")

    # another case, issued long ago: revoking it needs criteria too
    page.goto("/cases/RS-2025-0107")
    expect(status).to_have_text("issued")
    page.locator("select[name=status]").select_option("revoked")
    decide.click()
    expect(problem).to_contain_text("criteri")
    expect(status).to_have_text("issued")
    tab.shot("06-case-revocation-without-criteria")
    # Chromium logs the deliberate 422 answers as failed resource loads
    tab.no_console_errors(r"status of 422 .*/decision\)$")


def test_verify_an_uploaded_qr_and_reject_a_forged_one(public_visit, tmp_path):
    site, open_tab = public_visit
    tab = open_tab()
    page = tab.page
    page.goto("/verify")
    expect(page.locator("input[name=image]")).to_have_attribute("capture", "environment")
    tab.shot("07-verify-form")

    upload_qr(tab, qr_file(tmp_path, "euc.png", site.signed_euc))
    expect(page.locator(".verdict.ok .big")).to_have_text("VALID")
    expect(page.locator(".verdict .code")).to_have_text("reason: valid")
    expect(page.locator("main")).to_contain_text("CZ-MOD-2026-0007")
    expect(page.locator("main")).to_contain_text("Registered, log entry")
    tab.shot("08-verify-valid")

    upload_qr(tab, qr_file(tmp_path, "forged.png", forged(site.signed_euc)))
    expect(page.locator(".verdict.bad .big")).to_have_text("NOT VALID")
    expect(page.locator(".verdict .code")).to_have_text("reason: bad_signature")
    tab.shot("09-verify-forged")
    tab.no_console_errors()


def test_verify_on_a_phone_shows_the_verdict_without_scrolling_sideways(public_visit, tmp_path):
    site, open_tab = public_visit
    tab = open_tab(**PHONE)
    page = tab.page

    def fits() -> None:
        wide, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert wide <= inner, f"the page is {wide}px wide on a {inner}px screen"

    page.goto("/verify")
    fits()
    tab.shot("10-phone-verify-form")
    for name, payload, word, shot in (
        ("euc.png", site.signed_euc, "VALID", "11-phone-verify-valid"),
        ("forged.png", forged(site.signed_euc), "NOT VALID", "12-phone-verify-forged"),
    ):
        upload_qr(tab, qr_file(tmp_path, name, payload))
        big = page.locator(".verdict .big")
        expect(big).to_have_text(word)
        expect(big).to_be_in_viewport()  # seen at once, without scrolling
        box = big.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        fits()
        tab.shot(shot)
    tab.no_console_errors()


def test_the_site_has_a_favicon(public_visit):
    _, open_tab = public_visit
    page = open_tab().page
    page.goto("/verify")
    declared = page.locator("link[rel~=icon]").evaluate_all("links => links.map(l => l.href)")
    for href in declared or ["/favicon.ico"]:  # what Chromium asks for when none is declared
        assert href.startswith("data:") or page.request.get(href).ok, href
