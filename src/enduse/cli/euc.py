"""`enduse euc`: sign an end-user certificate as an EUC1: payload; register one in the registry."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from enduse.cli.common import emit, err, fail, local_pki, out, parse_time, user_errors
from enduse.cli.fields import record_input, signed_input
from enduse.cli.registry import in_registry
from enduse.docs.qr import write_qr
from enduse.docs.signing import sign_euc
from enduse.domain.bundle import MAX_BUNDLE_BYTES, load_bundle_text
from enduse.files import read_capped
from enduse.workflow.eucs import register_euc, register_signed_euc
from enduse.workflow.users import get_user

app = typer.Typer(no_args_is_help=True, help="End-user certificates.")


@app.command("sign")
def sign(
    bundle_file: Annotated[
        Path, typer.Argument(metavar="BUNDLE.json", help="an enduse.bundle/1 file")
    ],
    euc: Annotated[str, typer.Option("--euc", help="the EUC number to sign")],
    authority: Annotated[
        str | None, typer.Option(help="issuing authority, when the number is not unique")
    ] = None,
    qr: Annotated[Path | None, typer.Option(help="also draw the QR code (.png or .svg)")] = None,
) -> None:
    """Sign an EUC of the bundle with its issuing authority's signer; prints the payload."""
    with user_errors():
        parsed = load_bundle_text(read_capped(bundle_file, MAX_BUNDLE_BYTES))
        for w in parsed.warnings:
            err.print(f"warning: {w}", markup=False)
        payload = sign_euc(parsed.bundle, euc, local_pki(), authority)
        if qr is not None:
            write_qr(payload, qr)
            err.print(f"QR code written to {qr}", markup=False)
    emit(payload)


@app.command("register")
def register(
    as_user: Annotated[
        str,
        typer.Option("--as", help="an issuing authority (own state), licensing officer or admin"),
    ],
    file: Annotated[Path | None, typer.Argument(help="the EUC as JSON (an eucs[] object)")] = None,
    payload: Annotated[
        str | None, typer.Option(help="a signed EUC1: payload, verified first")
    ] = None,
    image: Annotated[Path | None, typer.Option(help="a QR code image of an EUC1: payload")] = None,
    at: Annotated[str | None, typer.Option(help="verify as of this time (default: now)")] = None,
) -> None:
    """Register an EUC in the registry. A payload is verified against the trust list first and
    refused with its reason code; the parties it embeds are recorded if the registry lacks them."""
    with user_errors():
        signed = signed_input(file, payload, image)
        if signed is not None:
            when, trust = parse_time(at, "--at"), local_pki().store()
            euc, logged = in_registry(
                lambda s: register_signed_euc(s, get_user(s, as_user), signed, trust, at=when)
            )
        elif file is not None:
            data = record_input(file, {})
            euc, logged = in_registry(lambda s: register_euc(s, get_user(s, as_user), data))
        else:
            raise fail("give the EUC: a JSON file, --payload or --image", 2)
    out.print(f"registered: EUC {euc.key}" + (" (signed)" if euc.signed else ""), markup=False)
    err.print(logged, markup=False)
