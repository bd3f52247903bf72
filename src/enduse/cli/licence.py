"""`enduse licence`: applications, decisions, and the licences of the registry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select

from enduse.cli.common import emit, err, fail, local_pki, out, parse_day, print_rows, user_errors
from enduse.cli.fields import criteria, euc_ref, items, record_input
from enduse.cli.registry import in_registry
from enduse.config import database_url, home
from enduse.docs.qr import write_qr
from enduse.docs.signing import signer_of
from enduse.registry.local import open_registry
from enduse.registry.models import AuthorityRow, EucRow, LicenceRow
from enduse.workflow.licensing import apply, decide, expire_due
from enduse.workflow.roles import Action, authorize
from enduse.workflow.users import get_user

app = typer.Typer(no_args_is_help=True, help="Licence applications, decisions and licences.")

AS_USER = typer.Option("--as", help="the registry user acting (see `enduse users`)")


@app.command("apply")
def apply_command(
    as_user: Annotated[str, AS_USER],
    file: Annotated[
        Path | None, typer.Argument(help="the application as JSON (a licence object of BUNDLE.md)")
    ] = None,
    licence_number: Annotated[str | None, typer.Option(help="the licence number asked for")] = None,
    authority: Annotated[str | None, typer.Option(help="the licensing authority")] = None,
    exporting_state: Annotated[
        str | None, typer.Option(help="default: the licensing authority's state")
    ] = None,
    applicant: Annotated[str | None, typer.Option(help="default: the exporter's own party")] = None,
    euc: Annotated[str | None, typer.Option(help="the EUC as ISSUER:NUMBER")] = None,
    item: Annotated[list[str] | None, typer.Option(help="EUC_LINE:QUANTITY, once per item")] = None,
) -> None:
    """Apply for a licence; refused if its EUC does not still allow every item."""
    with user_errors():
        data = record_input(file, {
            "licence_number": licence_number, "authority": authority,
            "exporting_state": exporting_state, "applicant": applicant, "euc": euc_ref(euc),
            "items": items(item, "euc_line"),
        })  # fmt: skip

        def operation(session):  # type: ignore[no-untyped-def]
            user = get_user(session, as_user)
            data.setdefault("applicant", user.party)
            known = session.get(AuthorityRow, data.get("authority") or "")
            if known is not None:
                data.setdefault("exporting_state", known.state)
            return apply(session, user, data)

        licence, logged = in_registry(operation)
    out.print(f"applied: licence {licence.licence_number} (status applied)", markup=False)
    err.print(logged, markup=False)


@app.command("decide")
def decide_command(
    number: Annotated[str, typer.Argument(help="the licence number")],
    status: Annotated[
        str,
        typer.Option(
            help="under_review, issued, refused, suspended, revoked or expired "
            "(exhausted follows from shipping)"
        ),
    ],
    as_user: Annotated[str, AS_USER],
    on: Annotated[
        str | None, typer.Option("--date", help="date of the decision (default: today)")
    ] = None,
    valid_from: Annotated[
        str | None, typer.Option(help="default: the date of the decision")
    ] = None,
    valid_until: Annotated[str | None, typer.Option(help="default: the EUC's expiry")] = None,
    criteria_cited: Annotated[
        str | None,
        typer.Option("--criteria", help="criteria 1-8 a refusal or revocation rests on, e.g. 1,7"),
    ] = None,
    qr: Annotated[Path | None, typer.Option(help="draw the signed licence's QR code here")] = None,
) -> None:
    """Decide a licence; issuing it signs it (`LIC1:`, printed) with the authority's signer."""
    with user_errors():
        day, start, until = (parse_day(on, "--date"), parse_day(valid_from, "--valid-from"),
                             parse_day(valid_until, "--valid-until"))  # fmt: skip
        sign = signer_of(local_pki())
        licence, logged = in_registry(
            lambda session: decide(
                session, get_user(session, as_user), number, status, on=day, valid_from=start,
                valid_until=until, criteria=criteria(criteria_cited), sign=sign,
            )
        )  # fmt: skip
        if qr is not None and licence.signed:
            write_qr(licence.signed, qr)
            err.print(f"QR code written to {qr}", markup=False)
    err.print(f"licence {licence.licence_number}: {status}", markup=False)
    err.print(logged, markup=False)
    if status == "issued" and licence.signed:
        emit(licence.signed)


@app.command("expire")
def expire_command(
    as_user: Annotated[str, AS_USER],
    on: Annotated[
        str | None, typer.Option("--date", help="as of this day (default: today)")
    ] = None,
) -> None:
    """Expire the officer's authority's licences whose validity ended before the day."""
    with user_errors():
        day = parse_day(on, "--date")
        expired, logged = in_registry(lambda s: expire_due(s, get_user(s, as_user), day))
    for number in expired:
        out.print(f"expired: {number}", markup=False)
    err.print(f"{len(expired)} licences expired; {logged}", markup=False)


@app.command("list")
def list_command(
    as_user: Annotated[
        str | None, typer.Option("--as", help="who is asking (exporters see their own)")
    ] = None,
) -> None:
    """The licences, newest last."""
    with user_errors():
        sessions = open_registry(home(), database_url(), read_only=True)
        with sessions() as session:
            query = (
                select(LicenceRow, EucRow)
                .join(EucRow, EucRow.pk == LicenceRow.euc_pk)
                .order_by(LicenceRow.ordinal)
            )
            user = get_user(session, as_user) if as_user else None
            if user is not None:
                authorize(user, Action.READ)
                if user.party and user.role == "exporter":
                    query = query.where(LicenceRow.applicant == user.party)
            rows = [
                [lic.licence_number, lic.status, lic.applicant, f"{euc.issuing_authority}:{euc.euc_number}",
                 str(lic.valid_until or "")]
                for lic, euc in session.execute(query)
            ]  # fmt: skip
    print_rows(["licence", "status", "applicant", "euc", "valid until"], rows)


@app.command("show")
def show_command(
    number: Annotated[str, typer.Argument(help="the licence number")],
    as_user: Annotated[
        str | None, typer.Option("--as", help="who is asking (an exporter sees its own)")
    ] = None,
) -> None:
    """The licence as recorded (JSON)."""
    with user_errors():
        sessions = open_registry(home(), database_url(), read_only=True)
        with sessions() as session:
            row = session.get(LicenceRow, number)
            user = get_user(session, as_user) if as_user else None
            if user is not None:
                authorize(user, Action.READ)
                if user.role == "exporter" and row is not None and row.applicant != user.party:
                    row = None  # another exporter's licence does not exist for this one
            if row is None:
                raise fail(f"no licence {number!r}")
            document = row.document
    emit(json.dumps(document, indent=1, ensure_ascii=False))
