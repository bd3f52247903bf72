"""The pages: sign-in, dashboard, case, timeline, trace, log explorer, screening, /verify.

Thin: each page reads through the registry's read-only sessions or the worker's `Desk`, and
every change goes through `workflow/` exactly as the API's do (same roles, same checks).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

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
from enduse.docs.qr import MAX_FILE_BYTES, QrError, qr_svg, read_qr
from enduse.docs.reasons import PLAIN_WORDS, Reason
from enduse.docs.signing import signer_of
from enduse.docs.verify import verify
from enduse.domain.errors import DomainError
from enduse.registry import models as m
from enduse.risk.findings import SEVERITY_POINTS
from enduse.risk.trace import trace_licence, trace_mark
from enduse.web import desk as desk_module
from enduse.web.signin import (
    LOGIN_CSRF,
    BadCsrf,
    SignInRequired,
    check_csrf,
    cookie_name,
    new_login_csrf,
    require,
    set_session_cookie,
    visitor,
)
from enduse.web.trace_svg import layout
from enduse.workflow.licensing import decide
from enduse.workflow.logins import SESSION_LIFETIME, csrf_matches, sign_in, sign_out
from enduse.workflow.roles import Action, PermissionDenied, Role, User, authorize
from enduse.workflow.screening import screenings_of

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.globals["plain_words"] = {r.value: w for r, w in PLAIN_WORDS.items()}
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


def verdict(result: dict[str, Any]) -> tuple[bool, str, str]:
    """VALID or NOT VALID for a person at a border: the offline result, then withdrawal or
    exhaustion from the registry. (valid, reason code, plain words.)"""
    reason = result["result"]
    online = result.get("online") or {}
    if reason == Reason.VALID.value and online.get("revoked"):
        reason = Reason.REVOKED.value
    elif (
        reason == Reason.VALID.value
        and online.get("exhausted")
        and result["document_type"] == "LIC"
    ):
        # a licence fully shipped covers no more goods; an EUC fully licensed still covers
        # the goods of its licences, so for an EUC exhaustion is shown, not a refusal
        reason = Reason.EXHAUSTED.value
    return reason == Reason.VALID.value, reason, PLAIN_WORDS.get(Reason(reason), reason)


def mount_ui(app: FastAPI, inst: Installation) -> None:
    desk = desk_module.Desk()
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
    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_form(request: Request, next: str = "/") -> Response:
        token = new_login_csrf()
        response = page(request, "login.html", {"next": _safe_next(next), "login_csrf": token})
        response.set_cookie(LOGIN_CSRF, token, max_age=3600, httponly=True, samesite="strict",
                            secure=inst.secure_cookies, path="/login")  # fmt: skip
        return response

    @app.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        form = await request.form()
        name, password = str(form.get("username", "")), str(form.get("password", ""))
        next_path = _safe_next(str(form.get("next", "/")))
        if not csrf_matches(request.cookies.get(LOGIN_CSRF, ""), str(form.get("csrf", ""))):
            raise BadCsrf()

        def attempt() -> Any:
            with inst.sessions() as session, session.begin():
                return sign_in(session, name, password)

        try:
            login = await run_in_threadpool(attempt)
        except PermissionDenied:
            token = new_login_csrf()
            response = page(request, "login.html", {"next": next_path, "login_csrf": token,
                            "error": "Wrong user name or password.", "username": name}, status=401)  # fmt: skip
            response.set_cookie(LOGIN_CSRF, token, max_age=3600, httponly=True,
                                samesite="strict", secure=inst.secure_cookies, path="/login")  # fmt: skip
            return response
        response = RedirectResponse(next_path, status_code=303)
        set_session_cookie(inst, response, login.cookie, int(SESSION_LIFETIME.total_seconds()))
        response.delete_cookie(LOGIN_CSRF, path="/login")
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
        signed_in = require(inst, request)
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
        return page(request, name, {"checkpoint": checkpoint, "record": record or "", "entries": entries},
                    who=who)  # fmt: skip

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
        return page(request, "screening_results.html" if fragment else "screening.html",
                    {"name": name, "country": country, "result": result, "error": error}, who=who)  # fmt: skip

    # --- public verification ----------------------------------------------------------------
    @app.get("/verify", response_class=HTMLResponse, include_in_schema=False)
    def verify_form(request: Request) -> Response:
        return page(request, "verify.html", {"result": None})

    @app.post("/verify", response_class=HTMLResponse, include_in_schema=False)
    async def verify_submitted(request: Request) -> Response:
        """Public, no session, so no CSRF token: it changes nothing and answers only the sender."""
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > MAX_FILE_BYTES + 65536:
            return page(request, "verify.html", {"result": None,
                        "error": f"The upload is too large (at most {MAX_FILE_BYTES // 1048576} MB)."}, status=413)  # fmt: skip
        form = await request.form(max_files=1, max_fields=4)
        payload = str(form.get("payload") or "").strip()
        at = _moment_of(str(form.get("at") or ""))
        upload = form.get("image")
        error = None
        if not payload and upload is not None and not isinstance(upload, str):
            data = await upload.read(MAX_FILE_BYTES + 1)
            try:
                payload = await run_in_threadpool(read_qr, data) if data else ""
            except QrError as e:
                error = f"No enduse QR code could be read from the picture: {e}"
        if not payload and error is None:
            error = "Paste a payload, or upload or take a photo of a QR code."
        result = None
        if payload and error is None:
            result = await run_in_threadpool(verify_payload, inst, payload[:8192], at)
        shown = verdict(result) if result else None
        return page(request, "verify.html", {"result": result, "verdict": shown, "error": error},
                    status=200 if error is None else 422)  # fmt: skip


def _safe_next(path: str) -> str:
    """Only a path on this site: never `//evil.example` or a scheme."""
    return path if path.startswith("/") and not path.startswith("//") and "\\" not in path else "/"


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
