"""`enduse ship`: record a shipment under an issued licence."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from enduse.cli.common import err, out, user_errors
from enduse.cli.fields import csv_list, items, record_input
from enduse.cli.registry import in_registry
from enduse.workflow.shipping import ship
from enduse.workflow.users import get_user


def command(
    as_user: Annotated[str, typer.Option("--as", help="the licence holder (an exporter user)")],
    file: Annotated[Path | None, typer.Argument(help="the shipment as JSON (BUNDLE.md)")] = None,
    shipment_id: Annotated[str | None, typer.Option(help="the shipment's id")] = None,
    licence: Annotated[str | None, typer.Option(help="the licence number")] = None,
    on: Annotated[str | None, typer.Option("--date", help="date of departure, YYYY-MM-DD")] = None,
    route: Annotated[
        str | None, typer.Option(help="states in order, exporting state first: RS,HU,CZ")
    ] = None,
    carrier: Annotated[str | None, typer.Option(help="the carrier's party id")] = None,
    consignee: Annotated[str | None, typer.Option(help="the consignee's party id")] = None,
    item: Annotated[
        list[str] | None, typer.Option(help="LICENCE_LINE:QUANTITY[:LOT,LOT], once per item")
    ] = None,
    transport_document: Annotated[
        list[str] | None, typer.Option(help="e.g. 'CMR 2025/4471', repeatable")
    ] = None,
) -> None:
    """Record a shipment; refused above what the licence still allows, or outside its validity."""
    with user_errors():
        data = record_input(file, {
            "shipment_id": shipment_id, "licence_number": licence, "date": on,
            "route": csv_list(route), "carrier": carrier, "consignee": consignee,
            "items": items(item, "licence_line"), "transport_documents": transport_document,
        })  # fmt: skip
        shipment, logged = in_registry(lambda s: ship(s, get_user(s, as_user), data))
    out.print(
        f"shipped: {shipment.shipment_id} under licence {shipment.licence_number}", markup=False
    )
    err.print(logged, markup=False)
