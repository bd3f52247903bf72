"""`enduse dvc add`: a delivery verification certificate, as a record or a signed `DVC1:` payload."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from enduse.cli.common import err, local_pki, out, parse_time, user_errors
from enduse.cli.fields import items, record_input, signed_input
from enduse.cli.registry import in_registry
from enduse.workflow.deliveries import add_delivery, add_signed_delivery
from enduse.workflow.users import get_user

app = typer.Typer(no_args_is_help=True, help="Delivery verification certificates.")


@app.command("add")
def add_command(
    as_user: Annotated[
        str, typer.Option("--as", help="a customs (or, for signed DVCs, licensing) user")
    ],
    file: Annotated[Path | None, typer.Argument(help="the DVC as JSON (BUNDLE.md)")] = None,
    payload: Annotated[
        str | None, typer.Option(help="a signed DVC1: payload, verified first")
    ] = None,
    image: Annotated[Path | None, typer.Option(help="a QR code image of a DVC1: payload")] = None,
    at: Annotated[
        str | None, typer.Option(help="verify the payload as of this time (default: now)")
    ] = None,
    dvc_number: Annotated[str | None, typer.Option(help="the certificate's number")] = None,
    authority: Annotated[
        str | None, typer.Option(help="the issuing authority (importing customs)")
    ] = None,
    licence: Annotated[str | None, typer.Option(help="the licence number")] = None,
    euc_number: Annotated[str | None, typer.Option(help="the EUC number it names")] = None,
    shipment: Annotated[str | None, typer.Option(help="the shipment id")] = None,
    arrival_date: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
    delivered_to: Annotated[str | None, typer.Option(help="the receiving party's id")] = None,
    item: Annotated[
        list[str] | None, typer.Option(help="LICENCE_LINE:QUANTITY[:LOT,LOT], once per item")
    ] = None,
    scope: Annotated[str | None, typer.Option(help="complete or partial")] = None,
) -> None:
    """Register a DVC; never more than was shipped. A signed payload is verified first."""
    with user_errors():
        signed = signed_input(file, payload, image)
        if signed is not None:
            when = parse_time(at, "--at")
            trust = local_pki().store()
            dvc, logged = in_registry(
                lambda s: add_signed_delivery(s, get_user(s, as_user), signed, trust, at=when)
            )
        else:
            data = record_input(file, {
                "dvc_number": dvc_number, "issuing_authority": authority, "licence_number": licence,
                "euc_number": euc_number, "shipment_id": shipment, "arrival_date": arrival_date,
                "delivered_to": delivered_to, "items": items(item, "licence_line"),
                "delivery_scope": scope,
            })  # fmt: skip
            dvc, logged = in_registry(lambda s: add_delivery(s, get_user(s, as_user), data))
    out.print(f"registered: DVC {dvc.dvc_number} for licence {dvc.licence_number}", markup=False)
    err.print(logged, markup=False)
