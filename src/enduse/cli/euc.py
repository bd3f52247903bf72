"""`enduse euc`: sign an end-user certificate of a bundle as an EUC1: payload."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from enduse.cli.common import emit, err, local_pki, user_errors
from enduse.docs.qr import write_qr
from enduse.docs.signing import sign_euc
from enduse.domain.bundle import MAX_BUNDLE_BYTES, load_bundle_text
from enduse.files import read_capped

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
