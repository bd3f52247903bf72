"""`enduse reexport`: requests to re-export or retransfer, and the exporting state's decision."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from enduse.cli.common import emit, err, local_pki, out, parse_day, user_errors
from enduse.cli.fields import criteria, csv_list, euc_ref, items, record_input
from enduse.cli.registry import in_registry
from enduse.docs.qr import write_qr
from enduse.docs.signing import signer_of
from enduse.workflow.reexports import decide_reexport, request_reexport
from enduse.workflow.users import get_user

app = typer.Typer(no_args_is_help=True, help="Re-export and retransfer requests and decisions.")


@app.command("request")
def request_command(
    as_user: Annotated[
        str,
        typer.Option("--as", help="the requesting exporter, or the importing state's authority"),
    ],
    file: Annotated[Path | None, typer.Argument(help="the request as JSON (BUNDLE.md)")] = None,
    request_id: Annotated[str | None, typer.Option(help="the request's id")] = None,
    request_type: Annotated[
        str | None,
        typer.Option(
            "--type", help="re_export, in_country_retransfer, temporary, change_of_end_use"
        ),
    ] = None,
    on: Annotated[str | None, typer.Option("--date", help="date of the request")] = None,
    requesting_party: Annotated[str | None, typer.Option(help="who asks (party id)")] = None,
    licence: Annotated[str | None, typer.Option(help="the original licence number")] = None,
    euc: Annotated[str | None, typer.Option(help="the original EUC as ISSUER:NUMBER")] = None,
    item: Annotated[
        list[str] | None, typer.Option(help="LICENCE_LINE:QUANTITY[:LOT,LOT], once per item")
    ] = None,
    destination: Annotated[str | None, typer.Option(help="proposed destination state")] = None,
    end_user: Annotated[str | None, typer.Option(help="proposed end user (party id)")] = None,
    end_use: Annotated[str | None, typer.Option(help="proposed end use")] = None,
    transit: Annotated[str | None, typer.Option(help="transit states: HU,SK")] = None,
    reason: Annotated[str | None, typer.Option(help="why the goods should move")] = None,
) -> None:
    """Record a request; the original exporting state decides it with `reexport decide`."""
    with user_errors():
        data = record_input(file, {
            "request_id": request_id, "request_type": request_type, "date": on,
            "requesting_party": requesting_party, "original_licence": licence,
            "original_euc": euc_ref(euc), "items": items(item, "licence_line"),
            "proposed_destination": destination, "proposed_end_user": end_user,
            "proposed_end_use": end_use, "transit_states": csv_list(transit), "reason": reason,
        })  # fmt: skip
        request, logged = in_registry(lambda s: request_reexport(s, get_user(s, as_user), data))
    out.print(f"requested: {request.request_id} ({request.request_type} to {request.proposed_destination})",
              markup=False)  # fmt: skip
    err.print(logged, markup=False)


@app.command("decide")
def decide_command(
    request_id: Annotated[str, typer.Argument(help="the request's id")],
    outcome: Annotated[str, typer.Option(help="approved, approved_with_conditions or refused")],
    as_user: Annotated[
        str, typer.Option("--as", help="a licensing officer of the original licence's authority")
    ],
    on: Annotated[
        str | None, typer.Option("--date", help="date of the decision (default: today)")
    ] = None,
    condition: Annotated[
        list[str] | None, typer.Option(help="a condition of the approval, repeatable")
    ] = None,
    criteria_cited: Annotated[
        str | None, typer.Option("--criteria", help="criteria 1-8 a refusal rests on, e.g. 7")
    ] = None,
    qr: Annotated[Path | None, typer.Option(help="draw the signed decision's QR code here")] = None,
) -> None:
    """Decide a request; the decision is signed (`RXC1:`, printed) by the licensing authority."""
    with user_errors():
        day = parse_day(on, "--date")
        sign = signer_of(local_pki())
        request, logged = in_registry(
            lambda s: decide_reexport(
                s, get_user(s, as_user), request_id, outcome, on=day, conditions=condition or None,
                criteria=criteria(criteria_cited), sign=sign,
            )
        )  # fmt: skip
        if qr is not None and request.signed:
            write_qr(request.signed, qr)
            err.print(f"QR code written to {qr}", markup=False)
    err.print(f"request {request_id}: {outcome}", markup=False)
    err.print(logged, markup=False)
    if request.signed:
        emit(request.signed)
