"""The pages: sign-in, dashboard, case, timeline, trace, log explorer, screening, /verify.

Thin: each page reads through the registry's read-only sessions or the worker's `Desk`, and
every change goes through `workflow/` exactly as the API's do (same roles, same checks).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import anyio
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from enduse.api.context import Installation
from enduse.api.errors import Conflict, NotFound
from enduse.api.routes.analysis import screen_name
from enduse.api.routes.log import checkpoint_json, log_entries_of
from enduse.api.routes.public import verify_payload
from enduse.docs.qr import MAX_DECODES, MAX_FILE_BYTES, MAX_PIXELS, QrError, qr_svg, read_qr
from enduse.docs.reasons import PLAIN_WORDS, Reason
from enduse.docs.signing import signer_of
from enduse.docs.verify import verify
from enduse.domain.errors import DomainError
from enduse.registry import models as m
from enduse.risk.findings import SEVERITY_POINTS
from enduse.risk.trace import trace_licence, trace_mark
from enduse.web import desk as desk_module
from enduse.web.signin import (
    BadCsrf,
    SignInRequired,
    check_csrf,
    cookie_name,
    login_csrf_name,
    new_login_csrf,
    require,
    safe_next,
    set_session_cookie,
    visitor,
)
from enduse.web.trace_svg import layout
from enduse.workflow.licensing import decide
from enduse.workflow.logins import (
    MAX_VERIFYING,
    SESSION_LIFETIME,
    Throttle,
    csrf_matches,
    minutes,
    sign_in,
    sign_out,
)
from enduse.workflow.roles import Action, PermissionDenied, Role, User, authorize
from enduse.workflow.screening import screenings_of

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
_WORDS = {r.value: w for r, w in PLAIN_WORDS.items()}
templates.env.globals["plain_words"] = _WORDS
DECISIONS = ("under_review", "issued", "refused", "suspended", "revoked")
CRITERIA = {  # EU Common Position 2008/944/CFSP, Article 2 (the ATT's Articles 6 and 7 align)
    1: "international obligations, embargoes", 2: "human rights, humanitarian law",
    3: "internal situation in the country of final destination", 4: "regional peace and security",
    5: "security of member states and allies", 6: "the buyer's behaviour towards terrorism and law",
    7: "risk of diversion or re-export under undesirable conditions",
    8: "compatibility with the recipient's technical and economic capacity",
}  # fmt: skip
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; "
    "style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
TURN_WAIT = 10.0  # seconds a sign-in or a photo waits for its turn before "busy, try again"


class PageHeaders:
    """Security headers and Server-Timing on the pages (a plain ASGI middleware: the API and the
    log pass straight through at no cost; `@app.middleware` cost the public /verify API a
    third of its time)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(("/api/", "/log/", "/witness/")):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in SECURITY_HEADERS.items():
                    if key not in headers:
                        headers[key] = value
                # the page's time in the server, for devtools and bench/case_page.py
                headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
            await send(message)

        await self.app(scope, receive, with_headers)


@dataclass(frozen=True)
class Verdict:
    """What /verify shows a person at a border, in one of three colours: `ok` (green), `warn`
    (a genuine signature on a document the registry raises a doubt about) or `bad`."""

    level: str  # "ok", "warn" or "bad"
    headline: str  # VALID, VALID SIGNATURE, NOT VALID
    reason: str  # the reason code
    words: str  # the reason in plain words
    warnings: tuple[str, ...] = ()  # the registry's doubts, in plain words
    registry: tuple[str, ...] = ()  # and their codes


def verdict(result: dict[str, Any]) -> Verdict:
    """VALID or NOT VALID for a person at a border: the offline result, then withdrawal or
    exhaustion from the registry; a genuine signature the registry doubts is not green."""
    reason = result["result"]
    online = result.get("online") or {}
    words = _WORDS.get(reason, reason)
    if reason != Reason.VALID.value:
        return Verdict("bad", "NOT VALID", reason, words)
    if online.get("revoked"):
        withdrawn = "suspended" if online.get("status") == "suspended" else "revoked"
        return Verdict("bad", "NOT VALID", Reason.REVOKED.value,
                       f"the issuing authority {withdrawn} the document",
                       ("The signature is genuine: the document was issued, then withdrawn.",))  # fmt: skip
    if online.get("exhausted") and result["document_type"] == "LIC":
        # a licence fully shipped covers no more goods
        return Verdict("bad", "NOT VALID", Reason.EXHAUSTED.value,
                       "the licence's quantities are already fully shipped",
                       ("The signature is genuine, but the licence covers no more goods.",))  # fmt: skip
    warnings: list[str] = []
    codes: list[str] = []
    if online.get("other_document_registered"):
        codes.append("other_document_registered")
        warnings.append(
            "Another signed document with the same number is registered, and it is not this "
            "one. This may be a superseded copy, or a forgery made with a misused key. Do not "
            "rely on it until the issuing authority confirms which document is current."
        )
    if result.get("online") is not None and not online.get("registered"):
        # genuine, but this registry has never seen it: issued elsewhere, or not yet sent
        codes.append("not_registered")
        warnings.append(
            "This registry holds no record of this document. The issuing authority signed it, "
            "but it was never registered here: ask the authority, or the exporter's licensing "
            "authority, before relying on it."
        )
    if online.get("exhausted"):
        # an EUC fully licensed still covers the goods of its licences: a warning, not a refusal
        codes.append("exhausted")
        warnings.append(
            "Every quantity of this end-user certificate is already licensed: it covers the "
            "goods of the licences issued under it, and no further licence may draw on it."
        )
    if warnings:
        return Verdict("warn", "VALID SIGNATURE", reason, "the signature is genuine, but:",
                       tuple(warnings), tuple(codes))  # fmt: skip
    return Verdict("ok", "VALID", reason, words)


def mount_ui(app: FastAPI, inst: Installation) -> None:
    desk = desk_module.Desk()
    # per worker process, in memory (see Throttle): failed sign-ins, argon2 and photo turns
    throttle = Throttle()
    verifying = anyio.Semaphore(MAX_VERIFYING)  # waited for here, not in a thread
    decoding = anyio.Semaphore(MAX_DECODES)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    app.add_middleware(PageHeaders)

    @app.exception_handler(SignInRequired)
    async def to_sign_in(_: Request, e: SignInRequired) -> Response:
        return RedirectResponse(f"/login?next={quote(e.next_path)}", status_code=303)

    @app.exception_handler(BadCsrf)
    async def bad_csrf(request: Request, _: BadCsrf) -> Response:
        return page(request, "error.html", {"title": "Form expired",
                    "message": "This form was stale or not sent by enduse. Reload the page and try again."},
                    status=403)  # fmt: skip

    def page(request: Request, name: str, context: dict[str, Any], status: int = 200,
             who: Any = None) -> HTMLResponse:  # fmt: skip
        who = who if who is not None else visitor(inst, request)
        return templates.TemplateResponse(
            request, name, {"me": who.user, "csrf": who.csrf, **context}, status_code=status
        )

    def forbidden(request: Request, e: PermissionDenied) -> HTMLResponse:
        return page(request, "error.html", {"title": "Not allowed", "message": str(e)}, status=403)

    # --- signing in -------------------------------------------------------------------------
    def login_page(request: Request, next_path: str, status: int = 200, *, error: str | None = None,
                   username: str = "", headers: dict[str, str] | None = None) -> Response:  # fmt: skip
        token = new_login_csrf()
        response = page(request, "login.html", {"next": next_path, "login_csrf": token,
                        "error": error, "username": username}, status=status)  # fmt: skip
        response.headers.update(headers or {})
        # Path=/ as the `__Host-` prefix requires
        response.set_cookie(login_csrf_name(inst), token, max_age=3600, httponly=True,
                            samesite="strict", secure=inst.secure_cookies, path="/")  # fmt: skip
        return response

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_form(request: Request, next: str = "/") -> Response:
        return login_page(request, safe_next(next))

    @app.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        form = await request.form()
        name, password = str(form.get("username", "")), str(form.get("password", ""))
        next_path = safe_next(str(form.get("next", "/")))
        given = str(form.get("csrf", ""))
        if not csrf_matches(request.cookies.get(login_csrf_name(inst), ""), given):
            raise BadCsrf()
        address = request.client.host if request.client else None
        wait = throttle.start(name, address)
        if wait > 0:  # refused without looking at the password
            return login_page(request, next_path, 429, username=name,
                              error=f"Too many failed sign-in attempts. Try again in "
                                    f"{_minutes(wait)}.",
                              headers={"Retry-After": str(int(wait) + 1)})  # fmt: skip
        if not await _turn(verifying):
            throttle.abandoned(name, address)
            return login_page(request, next_path, 503, username=name,
                              error="Too many people are signing in. Try again in a moment.",
                              headers={"Retry-After": "5"})  # fmt: skip

        def attempt() -> Any:
            with inst.sessions() as session, session.begin():
                return sign_in(session, name, password)

        try:
            login = await run_in_threadpool(attempt)
        except PermissionDenied:
            return login_page(request, next_path, 401, username=name,
                              error="Wrong user name or password.")  # fmt: skip
        finally:
            verifying.release()
        throttle.succeeded(name, address)
        response = RedirectResponse(next_path, status_code=303)
        set_session_cookie(inst, response, login.cookie, int(SESSION_LIFETIME.total_seconds()))
        response.delete_cookie(login_csrf_name(inst), path="/", secure=inst.secure_cookies,
                               httponly=True, samesite="strict")  # fmt: skip
        return response

    @app.post("/logout", include_in_schema=False)
    async def logout(request: Request) -> Response:
        signed_in = require(inst, request)
        await check_csrf(request, signed_in)
        with inst.sessions() as session, session.begin():
            sign_out(session, request.cookies.get(cookie_name(inst), ""))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(cookie_name(inst), path="/", secure=inst.secure_cookies,
                               httponly=True, samesite="strict")  # fmt: skip
        return response

    # --- the desk ---------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def dashboard(request: Request, at: str | None = None) -> Response:
        who = visitor(inst, request)
        if who.signed_in is None:
            raise SignInRequired("/")
        user = who.user
        today = _day(at)
        cases: list[dict[str, Any]] = []
        if user.role in (Role.LICENSING_OFFICER, Role.ANALYST, Role.ADMIN, Role.EXPORTER):
            with inst.read() as session:
                cases = desk.ranked(
                    session, today, user.party if user.role is Role.EXPORTER else None
                )
        recent = sorted(
            ({**f, "licence": c["licence"]} for c in cases for f in c["findings"]),
            key=lambda f: (-SEVERITY_POINTS.get(f["severity"], 0), f["rule"]),
        )[:15] if user.role is not Role.EXPORTER else []  # fmt: skip
        if user.role is Role.EXPORTER:  # its own applications, without the authority's analysis
            cases = [{**c, "score": None, "blocked": False, "findings": []} for c in cases]
        return page(request, "dashboard.html", {"cases": cases, "recent": recent,
                    "today": today, "at": at or ""}, who=who)  # fmt: skip

    @app.get("/cases/{number}", response_class=HTMLResponse, include_in_schema=False)
    def case(
        request: Request, number: str, at: str | None = None, done: str | None = None
    ) -> Response:
        who = visitor(inst, request)
        if who.signed_in is None:
            raise SignInRequired(request.url.path)
        try:
            authorize(who.user, Action.REPORT)
        except PermissionDenied as e:
            return forbidden(request, e)
        return _case_page(request, who, number, _day(at), done=done)

    def _case_page(request: Request, who: Any, number: str, today: Any, *, done: str | None = None,
                   error: str | None = None, status: int = 200, chosen: str | None = None,
                   chosen_criteria: tuple[int, ...] = ()) -> Response:  # fmt: skip
        with inst.read() as session:
            facts = desk.facts(session)
            if number not in facts.licences:
                return page(request, "error.html", {"title": "No such case",
                            "message": f"There is no licence {number}."}, status=404, who=who)  # fmt: skip
            lic = facts.licences[number]
            euc = facts.euc_of(lic) or {}
            euc_row = session.scalar(select(m.EucRow).where(
                m.EucRow.issuing_authority == euc.get("issuing_authority"),
                m.EucRow.euc_number == euc.get("euc_number")))  # fmt: skip
            signed = euc_row.signed if euc_row is not None else None
            party_ids = _case_parties(lic, euc)
            parties = []
            for role, pid in party_ids:
                latest = next(iter(screenings_of(session, pid)), None)
                parties.append({"role": role, "id": pid, "party": facts.parties.get(pid, {}),
                                "screening": latest})  # fmt: skip
        risk = desk.case_risk(facts, number, today)
        euc_check = None
        if signed:
            euc_check = verify(signed, inst.trust(), at=_moment(euc.get("date_of_issue")))
        return page(request, "case.html", {
            "number": number, "lic": lic, "euc": euc, "parties": parties, "risk": risk,
            "ledger": desk_module.ledger(facts, number), "events": desk_module.timeline(facts, number),
            "euc_signed": signed, "euc_check": euc_check, "euc_qr": qr_svg(signed, scale=3) if signed else None,
            "decisions": DECISIONS, "criteria": CRITERIA, "done": done, "error": error,
            "chosen": chosen, "chosen_criteria": chosen_criteria,
            "today": today, "can_decide": who.user.role is Role.LICENSING_OFFICER
                and who.user.authority == lic.get("authority"),
        }, status=status, who=who)  # fmt: skip

    @app.post("/cases/{number}/decision", include_in_schema=False)
    async def decide_case(request: Request, number: str) -> Response:
        signed_in = require(inst, request, return_to=f"/cases/{quote(number, safe='')}")
        form = await check_csrf(request, signed_in)
        try:  # the role first: a refused decision must not show the case to who may not see it
            authorize(signed_in.user, Action.DECIDE_LICENCE)
        except PermissionDenied as e:
            return forbidden(request, e)
        raw = await request.form()
        criteria = [c for c in raw.getlist("criteria") if isinstance(c, str)]
        status = form.get("status", "")

        def run() -> Any:
            with inst.sessions() as session, session.begin():
                if session.get(m.LicenceRow, number) is None:
                    raise NotFound("$.licence_number", f"no licence {number!r}")
                return decide(session, signed_in.user, number, status,
                              criteria=[int(c) for c in criteria if c.isdecimal() and c.isascii()],
                              sign=signer_of(inst.pki))  # fmt: skip

        try:
            await run_in_threadpool(run)
        except (DomainError, PermissionDenied, NotFound) as e:
            message = e.first.message if isinstance(e, DomainError) else str(e)
            code = 403 if isinstance(e, PermissionDenied) else 422
            who = visitor(inst, request)
            chosen_criteria = tuple(int(c) for c in criteria if c.isdecimal() and c.isascii())
            return await run_in_threadpool(lambda: _case_page(
                request, who, number, _day(None), error=message, status=code, chosen=status,
                chosen_criteria=chosen_criteria))  # fmt: skip
        await run_in_threadpool(inst.publish)
        return RedirectResponse(f"/cases/{quote(number)}?done={quote(status)}", status_code=303)

    @app.get("/trace", response_class=HTMLResponse, include_in_schema=False)
    def trace_page(
        request: Request, licence: str | None = None, lot: str | None = None
    ) -> Response:
        who = visitor(inst, request)
        if who.signed_in is None:
            raise SignInRequired(request.url.path)
        try:
            authorize(who.user, Action.REPORT)
        except PermissionDenied as e:
            return forbidden(request, e)
        trace = drawing = None
        error = None
        if licence or lot:
            with inst.read() as session:
                facts = desk.facts(session)
            if licence and licence not in facts.licences:
                error = f"There is no licence {licence}."
            else:
                trace = trace_licence(facts, licence) if licence else trace_mark(facts, lot or "")
                drawing = layout(trace)
        return page(request, "trace.html", {"trace": trace, "drawing": drawing, "licence": licence or "",
                    "lot": lot or "", "error": error}, who=who)  # fmt: skip

    # --- the log ----------------------------------------------------------------------------
    @app.get("/explore/log", response_class=HTMLResponse, include_in_schema=False)
    def log_explorer(request: Request, record: str | None = None) -> Response:
        who = visitor(inst, request)
        if who.signed_in is None:
            raise SignInRequired(request.url.path)
        log = inst.log_reader()
        checkpoint = checkpoint_json(log) if log is not None else None
        entries = log_entries_of(inst, record[:250]) if record else None
        name = "log_lookup.html" if request.headers.get("hx-request") else "log.html"
        return _vary(page(request, name, {"checkpoint": checkpoint, "record": record or "",
                                          "entries": entries}, who=who), "HX-Request")  # fmt: skip

    # --- screening --------------------------------------------------------------------------
    @app.get("/screening", response_class=HTMLResponse, include_in_schema=False)
    def screening(
        request: Request, name: str = "", country: str = "", schema: str = ""
    ) -> Response:
        who = visitor(inst, request)
        if who.signed_in is None:
            raise SignInRequired(request.url.path)
        try:
            authorize(who.user, Action.REPORT)
        except PermissionDenied as e:
            return forbidden(request, e)
        result = error = None
        if name.strip():
            try:
                result = screen_name(inst, name[:600], country[:8] or None, schema[:40] or None)
            except DomainError as e:
                error = e.first.message
            except Conflict as e:
                error = str(e)
        fragment = (
            request.headers.get("hx-request") and request.headers.get("hx-target") == "results"
        )
        return _vary(page(request, "screening_results.html" if fragment else "screening.html",
                          {"name": name, "country": country, "result": result, "error": error},
                          who=who), "HX-Request", "HX-Target")  # fmt: skip

    # --- public verification ----------------------------------------------------------------
    @app.get("/verify", response_class=HTMLResponse, include_in_schema=False)
    def verify_form(request: Request) -> Response:
        return page(request, "verify.html", {"result": None})

    @app.post("/verify", response_class=HTMLResponse, include_in_schema=False)
    async def verify_submitted(request: Request) -> Response:
        """Public, no session, so no CSRF token: it changes nothing and answers only the sender."""
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > MAX_FILE_BYTES + 65536:
            return page(request, "verify.html", {"result": None, "error": {
                "message": f"The upload is too large (at most {MAX_FILE_BYTES // 1048576} MB).",
                "reason": "too_large", "field": "image"}}, status=413)  # fmt: skip
        form = await request.form(max_files=1, max_fields=4)
        payload = str(form.get("payload") or "").strip()
        at = _moment_of(str(form.get("at") or ""))
        upload = form.get("image")
        error: dict[str, str] | None = None
        status = 422
        if not payload and upload is not None and not isinstance(upload, str):
            # the turn first, so a photo waiting for one holds neither a thread nor its bytes
            if not await _turn(decoding):
                return page(request, "verify.html", {"result": None, "error": {
                    "message": "Too many pictures are being read right now. Try again in a moment.",
                    "reason": "busy", "field": "image"}}, status=503)  # fmt: skip
            try:
                data = await upload.read(MAX_FILE_BYTES + 1)
                payload = await run_in_threadpool(read_qr, data, wait=TURN_WAIT) if data else ""
            except QrError as e:
                error, status = _picture_error(e)
            finally:
                decoding.release()
        if not payload and error is None:
            error = {"message": "Paste a payload, or upload or take a photo of a QR code.",
                     "reason": "missing", "field": "payload"}  # fmt: skip
        result = None
        if payload and error is None:
            result = await run_in_threadpool(verify_payload, inst, payload[:8192], at)
        shown = verdict(result) if result else None
        return page(request, "verify.html", {"result": result, "verdict": shown, "error": error},
                    status=200 if error is None else status)  # fmt: skip


async def _turn(gate: anyio.Semaphore) -> bool:
    """Wait up to `TURN_WAIT` seconds for a place in `gate`; False if none came."""
    with anyio.move_on_after(TURN_WAIT):
        await gate.acquire()
        return True
    return False


def _minutes(seconds: float) -> str:
    n = minutes(seconds)
    return f"{n} minute" if n == 1 else f"{n} minutes"


def _picture_error(e: QrError) -> tuple[dict[str, str], int]:
    """What the page says of a picture it could not read: the message, reason, field."""
    if e.reason == "too_large":
        message = (
            f"The picture is too large to read: at most {MAX_PIXELS // 1_000_000} megapixels "
            f"and {MAX_FILE_BYTES // 1048576} MB. Take the photo at a lower resolution, or crop "
            f"it to the QR code. ({e})"
        )
        return {"message": message, "reason": "too_large", "field": "image"}, 413
    if e.reason == "busy":
        message = "Too many pictures are being read right now. Try again in a moment."
        return {"message": message, "reason": "busy", "field": "image"}, 503
    message = f"No enduse QR code could be read from the picture: {e}"
    return {"message": message, "reason": e.reason, "field": "image"}, 422


def _vary(response: Response, *headers: str) -> Response:
    """Say which request headers chose this response (htmx asks for fragments), so that no
    cache hands a fragment to a full page load or the other way round."""
    present = [v.strip() for v in response.headers.get("vary", "").split(",") if v.strip()]
    for header in headers:
        if header.lower() not in (v.lower() for v in present):
            present.append(header)
    response.headers["Vary"] = ", ".join(present)
    return response


def _day(value: str | None):  # type: ignore[no-untyped-def]
    if value:
        try:
            return datetime.fromisoformat(value).date()
        except ValueError:
            pass
    return datetime.now(UTC).date()


def _moment_of(value: str) -> datetime | None:
    """A moment typed in a form ("2025-06-01" or "2025-06-01T12:00"), UTC unless it says."""
    try:
        moment = datetime.fromisoformat(value.strip()[:40]) if value.strip() else None
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment


def _moment(day: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(f"{day}T12:00:00+00:00") if day else None
    except ValueError:
        return None


def _case_parties(lic: dict[str, Any], euc: dict[str, Any]) -> list[tuple[str, str]]:
    out = [("applicant", lic.get("applicant"))]
    out += [("exporter", euc.get("exporter")), ("end user", euc.get("end_user"))]
    out += [("consignee", c) for c in euc.get("consignees", [])]
    out += [(i.get("role", "intermediary"), i.get("party")) for i in euc.get("intermediaries", [])]
    seen: set[str] = set()
    result = []
    for role, pid in out:
        if pid and pid not in seen:
            seen.add(pid)
            result.append((role, pid))
    return result


__all__ = ["User", "mount_ui"]
