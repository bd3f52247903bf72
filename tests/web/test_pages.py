"""The pages over HTTP: sign-in and sessions, CSRF, the desk, the case, decisions, trace, log,
public verification (tests/web/test_browser.py drives the same pages in Chromium)."""

from __future__ import annotations

import asyncio
import copy
import io
import json
import re
import struct
import time
import zlib
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageFile
from sqlalchemy import select

from builders import fresh_euc, with_claims
from concurrency import Peak
from enduse.docs.qr import MAX_DECODES, qr_png
from enduse.docs.signing import sign_euc
from enduse.domain.bundle import load_bundle_text
from enduse.registry import models as m
from enduse.registry.db import session_factory
from enduse.scenarios import scenario_text
from enduse.web import pages
from installation import EUC, PASSWORD, build_site, csrf_of, signed_in


def test_pages_need_a_session_and_a_wrong_password_gets_none(site):
    client = TestClient(site.app, follow_redirects=False)
    for path in ("/", "/cases/RS-2025-0131", "/trace", "/screening", "/explore/log"):
        r = client.get(path)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    form = client.get("/login")
    r = client.post("/login", data={"username": "olga", "password": "wrong password!!",
                                    "csrf": csrf_of(form.text)})  # fmt: skip
    assert r.status_code == 401 and "Wrong user name or password" in r.text
    assert not any(c.startswith("enduse_session") for c in client.cookies)
    # the same answer for a user that does not exist (no user enumeration)
    r = client.post("/login", data={"username": "nobody", "password": PASSWORD,
                                    "csrf": csrf_of(r.text)})  # fmt: skip
    assert r.status_code == 401 and "Wrong user name or password" in r.text


def test_sign_in_needs_the_forms_csrf_token(site):
    client = TestClient(site.app, follow_redirects=False)
    client.get("/login")
    r = client.post("/login", data={"username": "olga", "password": PASSWORD, "csrf": "forged"})
    assert r.status_code == 403
    assert client.get("/").status_code == 303  # still signed out


def test_the_session_cookie_is_http_only_strict_and_secure_when_asked(engine, tmp_path):
    site = build_site(engine, tmp_path, secure_cookies=True)
    client = TestClient(site.app, base_url="https://testserver", follow_redirects=False)
    form = client.get("/login")
    r = client.post("/login", data={"username": "olga", "password": PASSWORD,
                                    "csrf": csrf_of(form.text)})  # fmt: skip
    cookie = next(
        v for k, v in r.headers.multi_items() if k == "set-cookie" and "__Host-enduse_session" in v
    )
    assert (
        "HttpOnly" in cookie
        and "Secure" in cookie
        and "SameSite=strict" in cookie
        and "Path=/" in cookie
    )
    assert client.get("/").status_code == 200


def test_the_dashboard_ranks_cases_by_risk(site):
    client = signed_in(site)
    r = client.get("/?at=2025-07-01")
    assert r.status_code == 200
    order = re.findall(r'class="case-link">([^<]+)<', r.text)
    scores = [int(s) for s in re.findall(r'<span class="score">(\d+)</span>', r.text)]
    assert order and scores == sorted(scores, reverse=True)
    assert order[0] == "RS-2025-0131"  # the BG licence whose lots turned up in Ukraine
    assert "Content-Security-Policy" in r.headers and r.headers["X-Frame-Options"] == "DENY"


def test_the_case_page_shows_flags_parties_ledger_and_the_verified_euc(site):
    client = signed_in(site)
    html = client.get(f"/cases/{site.application}").text
    assert "Red flags" in html and "Quantity ledger" in html and "Parties and screening" in html
    assert ">VALID: all checks passed<" in html.replace("\n", "")
    assert 'class="qr"' in html and "<svg" in html  # the EUC drawn as its QR code
    assert "Sumadija Munitions" in html and 'name="criteria"' in html
    assert "this licence 40" in html and "others 0" in html  # the ledger of line 1
    r = client.get("/cases/RS-2025-0107?at=2025-07-01")
    assert r.status_code == 200
    assert "Recorded without a signed form" in r.text and "SH-2025-0001" in r.text
    assert client.get("/cases/NO-SUCH").status_code == 404


def test_deciding_a_case_needs_csrf_and_the_authority(site, engine):
    officer = signed_in(site)
    page = officer.get("/cases/RS-2025-0107")
    r = officer.post("/cases/RS-2025-0107/decision", data={"status": "suspended", "csrf": "x"})
    assert r.status_code == 403
    r = officer.post(
        "/cases/RS-2025-0107/decision", data={"status": "suspended", "csrf": csrf_of(page.text)}
    )
    assert r.status_code == 303 and r.headers["location"].endswith("done=suspended")
    with session_factory(engine)() as session:
        assert session.get(m.LicenceRow, "RS-2025-0107").status == "suspended"
        entry = session.scalars(select(m.LogEntryRow).order_by(m.LogEntryRow.seq.desc())).first()
        assert entry.record == "licences:RS-2025-0107" and entry.log_index is not None  # logged
    # revoking needs criteria: refused, named, nothing changed
    page = officer.get("/cases/RS-2025-0107")
    r = officer.post(
        "/cases/RS-2025-0107/decision", data={"status": "revoked", "csrf": csrf_of(page.text)}
    )
    assert r.status_code == 422 and "criteri" in r.text
    # an analyst sees the case but may not decide it
    analyst = signed_in(site, "ann")
    page = analyst.get("/cases/RS-2025-0107")
    assert "Only a licensing officer" in page.text
    r = analyst.post(
        "/cases/RS-2025-0107/decision", data={"status": "issued", "csrf": csrf_of(page.text)}
    )
    assert r.status_code == 403
    with session_factory(engine)() as session:
        assert session.get(m.LicenceRow, "RS-2025-0107").status == "suspended"


def test_roles_that_do_not_analyse_do_not_see_cases(site):
    customs = signed_in(site, "carl")
    assert customs.get("/cases/RS-2025-0107").status_code == 403
    assert customs.get("/trace?licence=RS-2025-0131").status_code == 403
    assert customs.get("/").status_code == 200
    exporter = signed_in(site, "bob")
    assert "RS-2025-0107" in exporter.get("/").text  # its own applications
    assert exporter.get("/screening?name=x").status_code == 403


def test_the_trace_page_draws_the_goods_reaching_another_state(site):
    client = signed_in(site)
    r = client.get("/trace?licence=RS-2025-0131")
    assert r.status_code == 200
    assert '<svg class="trace"' in r.text and "goods reached UA" in r.text
    assert ">UA</text>" in r.text and ">BG</text>" in r.text
    r = client.get("/trace?lot=SM-122-25-007")
    assert ">UA</text>" in r.text


def test_the_log_explorer_shows_the_checkpoint_and_proves_a_record(site):
    client = signed_in(site)
    r = client.get("/explore/log")
    assert "enduse.test/log" in r.text and "Latest checkpoint" in r.text
    r = client.get("/explore/log?record=licences:RS-2025-0107", headers={"HX-Request": "true"})
    assert r.status_code == 200 and "<html" not in r.text  # an htmx fragment
    assert "c2sp.org/tlog-proof@v1" in r.text


def test_logout_ends_the_session_server_side(site):
    client = signed_in(site)
    page = client.get("/")
    cookies = dict(client.cookies)
    r = client.post("/logout", data={"csrf": csrf_of(page.text)})
    assert r.status_code == 303
    replay = TestClient(site.app, follow_redirects=False, cookies=cookies)
    assert replay.get("/").status_code == 303  # the old cookie no longer works


def test_verify_page_pasted_uploaded_and_forged(site):
    client = TestClient(site.app)
    form = client.get("/verify")
    assert form.status_code == 200 and 'capture="environment"' in form.text
    at = "2026-06-01T12:00"
    r = client.post("/verify", data={"payload": site.signed_euc, "at": at})
    assert ">VALID<" in r.text and "Registered, log entry" in r.text and "inclusion proof" in r.text
    r = client.post("/verify", data={"payload": site.signed_euc, "at": "2028-06-01"})
    assert "NOT VALID" in r.text and "expired" in r.text
    png = qr_png(site.signed_euc)
    r = client.post("/verify", data={"at": at}, files={"image": ("euc.png", png, "image/png")})
    assert r.status_code == 200 and ">VALID<" in r.text and "CZ-MOD-2026-0007" in r.text
    forged = with_claims(
        site.signed_euc, lambda c: c[-70000].update(country_of_final_destination="UA")
    )
    r = client.post("/verify", data={"payload": forged, "at": at})
    assert "NOT VALID" in r.text and "bad_signature" in r.text
    r = client.post("/verify", files={"image": ("x.png", b"not an image", "image/png")})
    assert r.status_code == 422 and "No enduse QR code" in r.text


def test_a_refused_decision_does_not_show_the_case_to_who_may_not_see_it(site):
    for name in ("bob", "carl", "ivan"):
        client = signed_in(site, name)
        page = client.get("/")
        r = client.post(
            "/cases/RS-2025-0131/decision", data={"status": "issued", "csrf": csrf_of(page.text)}
        )
        assert (
            r.status_code == 403 and "Red flags" not in r.text and "Quantity ledger" not in r.text
        )
        r = client.post(
            "/cases/NO-SUCH/decision", data={"status": "issued", "csrf": csrf_of(page.text)}
        )
        assert r.status_code == 403  # the same answer whether the case exists or not


def test_odd_criteria_are_a_named_refusal_not_a_crash(site):
    officer = signed_in(site)
    page = officer.get("/cases/RS-2025-0107")
    r = officer.post("/cases/RS-2025-0107/decision",
                     data={"status": "revoked", "criteria": "²", "csrf": csrf_of(page.text)})  # fmt: skip
    assert r.status_code == 422 and "criteri" in r.text


def test_a_new_password_ends_the_old_sessions(site, engine):
    from enduse.workflow.logins import set_password

    client = signed_in(site)
    assert client.get("/").status_code == 200
    with session_factory(engine)() as session, session.begin():
        set_password(session, "olga", "another long password")
    assert client.get("/").status_code == 303


def test_exporters_see_their_cases_without_the_authoritys_analysis(site):
    html = signed_in(site, "bob").get("/?at=2025-07-01").text
    assert "RS-2025-0131" in html
    assert (
        '<span class="score">' not in html and ">G5<" not in html and "observed in UA" not in html
    )


def vary(response: httpx.Response) -> set[str]:
    return {v.strip().lower() for v in response.headers.get("vary", "").split(",") if v.strip()}


def test_pages_that_answer_htmx_with_a_fragment_say_so_in_vary(site):
    client = signed_in(site)
    for headers in ({}, {"HX-Request": "true"}):
        r = client.get("/explore/log?record=licences:RS-2025-0107", headers=headers)
        assert r.status_code == 200 and "hx-request" in vary(r)
        r = client.get("/screening?name=Danube", headers={**headers, "HX-Target": "results"})
        assert r.status_code == 200 and {"hx-request", "hx-target"} <= vary(r)


# --- /verify: what the registry says beside a genuine signature ---------------------------------


def test_a_genuine_signature_on_a_second_document_with_a_registered_number_is_not_green(site):
    data = json.loads(scenario_text())
    other = fresh_euc(EUC)
    other["items"][0]["quantity"] = other["items"][0]["quantity"] * 10  # not what was registered
    data["eucs"].append(other)
    payload = sign_euc(load_bundle_text(json.dumps(data)).bundle, EUC, site.pki, "CZ-MOD")
    assert payload != site.signed_euc
    r = TestClient(site.app).post("/verify", data={"payload": payload, "at": "2026-06-01T12:00"})
    html = " ".join(r.text.split())
    assert r.status_code == 200
    assert 'class="verdict warn"' in html and 'class="verdict ok"' not in html
    assert '<div class="big">VALID SIGNATURE</div>' in html
    assert "Another signed document with the same number is registered" in html
    assert "registry: other_document_registered" in html
    # the document registered is still plain VALID
    r = TestClient(site.app).post("/verify", data={"payload": site.signed_euc,
                                                   "at": "2026-06-01T12:00"})  # fmt: skip
    assert 'class="verdict ok"' in r.text and ">VALID<" in r.text


def verified_page(site) -> str:  # type: ignore[no-untyped-def]
    """The /verify page for the site's signed EUC, its whitespace collapsed."""
    r = TestClient(site.app).post("/verify", data={"payload": site.signed_euc,
                                                   "at": "2026-06-01T12:00"})  # fmt: skip
    assert r.status_code == 200
    return " ".join(r.text.split())


def with_online(monkeypatch, document_type: str, **online: Any) -> None:  # type: ignore[no-untyped-def]
    real = pages.verify_payload

    def answer(*args: Any) -> dict[str, Any]:
        result = copy.deepcopy(real(*args))
        assert result["result"] == "valid" and result["online"] is not None
        result["document_type"] = document_type
        result["online"].update(online)
        return result

    monkeypatch.setattr(pages, "verify_payload", answer)


def test_an_exhausted_euc_is_valid_signature_in_the_warning_colour(site, monkeypatch):
    with_online(monkeypatch, "EUC", exhausted=True, status="exhausted")
    html = verified_page(site)
    assert 'class="verdict warn"' in html and ">VALID SIGNATURE<" in html
    assert "Every quantity of this end-user certificate is already licensed" in html
    assert "registry: exhausted" in html


@pytest.mark.parametrize(
    ("online", "words"),
    [
        ({"revoked": True, "status": "revoked"}, "the issuing authority revoked the document"),
        ({"revoked": True, "status": "suspended"}, "the issuing authority suspended the document"),
        ({"exhausted": True, "status": "exhausted"}, "already fully shipped"),
    ],
)
def test_a_withdrawn_or_used_up_licence_is_not_valid(site, monkeypatch, online, words):
    with_online(monkeypatch, "LIC", **online)
    html = verified_page(site)
    assert 'class="verdict bad"' in html and ">NOT VALID<" in html and words in html
    assert "The signature is genuine" in html


# --- /verify: pictures -------------------------------------------------------------------------


def png_declaring(width: int, height: int) -> bytes:
    """A PNG of a few dozen bytes whose header declares width x height pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b""))
            + chunk(b"IEND", b""))  # fmt: skip


def test_a_picture_declaring_too_many_pixels_is_refused_unread(site, monkeypatch):
    def refuse(self: ImageFile.ImageFile) -> None:
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)
    bomb = png_declaring(5_000, 4_000)  # 20 megapixels in 67 bytes
    assert len(bomb) < 100
    r = TestClient(site.app).post("/verify", files={"image": ("qr.png", bomb, "image/png")})
    html = " ".join(r.text.split())
    assert r.status_code == 413
    assert "The picture is too large to read: at most 16 megapixels" in html
    assert "reason: too_large; field: image" in html
    assert 'role="alert"' in html and "verdict" not in html


def test_a_large_photo_is_read(site):
    canvas = Image.new("L", (4_200, 3_150), 255)  # 13 MP, as a phone takes them
    code = Image.open(io.BytesIO(qr_png(site.signed_euc, scale=8))).convert("L")
    canvas.paste(code, (1_000, 800))
    out = io.BytesIO()
    canvas.save(out, "JPEG", quality=80)
    r = TestClient(site.app).post("/verify", data={"at": "2026-06-01T12:00"},
                                  files={"image": ("photo.jpg", out.getvalue(), "image/jpeg")})  # fmt: skip
    assert r.status_code == 200 and ">VALID<" in r.text


def test_at_most_max_decodes_photos_are_read_at_once(site, monkeypatch):
    peak = Peak()

    def slow_read_qr(data: bytes, **_: Any) -> str:
        with peak.inside():
            time.sleep(0.1)
        return site.signed_euc

    monkeypatch.setattr(pages, "read_qr", slow_read_qr)
    png = qr_png(site.signed_euc)

    async def flood() -> list[int]:
        transport = httpx.ASGITransport(site.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            answers = await asyncio.gather(*(
                c.post("/verify", files={"image": ("qr.png", png, "image/png")})
                for _ in range(6)))  # fmt: skip
        return [r.status_code for r in answers]

    assert asyncio.run(flood()) == [200] * 6
    assert peak.most == MAX_DECODES == 2


def test_a_genuine_document_this_registry_never_saw_is_not_green(site, monkeypatch):
    with_online(monkeypatch, "EUC", registered=False, logged=False, log_index=None)
    html = verified_page(site)
    assert 'class="verdict warn"' in html and ">VALID SIGNATURE<" in html
    assert "This registry holds no record of this document" in html
    assert "registry: not_registered" in html


def test_a_reports_sentences_read_as_sentences_on_the_case_page(site):
    from datetime import date

    from enduse.workflow.open_source import record_reports

    text = ("Czech middlemen passed Serbian shells to Ukraine\n\n"
            "MOSCOW, 12 June 2025 - Russia’s Foreign Intelligence Service said Serbian arms makers "
            "shipped 152 mm shells to Ukraine through the Czech Republic in 2025.")  # fmt: skip
    sessions = site.app.state.installation.sessions
    with sessions() as session, session.begin():
        record_reports(session, [("svr.txt", text)], "SVR", date(2025, 7, 1))
    html = signed_in(site).get("/cases/RS-2025-0107?at=2025-07-01").text
    assert "G7" in html
    assert "<li>MOSCOW, 12 June 2025 - Russia’s Foreign Intelligence Service said" in html
    assert "\\u2019" not in html and "<dt>via states</dt>" in html
