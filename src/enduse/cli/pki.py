"""`enduse pki`: country signing CAs, document signers, revocation, the signed trust list."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from enduse.cli.common import (
    USAGE,
    emit,
    err,
    fail,
    local_pki,
    out,
    parse_day,
    print_rows,
    user_errors,
)
from enduse.docs.doctypes import parse_doc_types
from enduse.docs.pki import kid_of

app = typer.Typer(no_args_is_help=True, help="The document PKI: CSCAs, signers, trust list.")
trust_app = typer.Typer(no_args_is_help=True, help="Export or import the signed trust list.")
app.add_typer(trust_app, name="trust-list")


@app.command("init-state")
def init_state(
    state: Annotated[str, typer.Option(help="ISO 3166-1 alpha-2 code of the state")],
    valid_from: Annotated[
        str | None, typer.Option(help="first day of validity (default: two years back)")
    ] = None,
    years: Annotated[int, typer.Option(min=1, max=30, help="validity from today")] = 15,
) -> None:
    """Create the state's country signing CA (CSCA)."""
    with user_errors():
        kid = local_pki().init_state(state.upper(), parse_day(valid_from, "--valid-from"), years)
    err.print(f"CSCA of {state.upper()} created", markup=False)
    emit(kid.hex())


@app.command("issue-signer")
def issue_signer(
    state: Annotated[str, typer.Option(help="the state whose CSCA certifies the signer")],
    authority: Annotated[str, typer.Option(help="authority id, e.g. CZ-MOD")],
    documents: Annotated[str, typer.Option(help="document types it may sign: EUC,LIC,DVC,RXC")],
    valid_from: Annotated[
        str | None, typer.Option(help="first day (default: two years back)")
    ] = None,
    valid_until: Annotated[
        str | None, typer.Option(help="last day (default: in five years)")
    ] = None,
) -> None:
    """Issue a document signer certificate (DSC) to an authority; prints its kid (hex)."""
    try:
        doc_types = parse_doc_types(documents)
    except ValueError as e:
        raise fail(f"--documents: {e}", USAGE) from None
    with user_errors():
        kid = local_pki().issue_signer(
            state.upper(),
            authority,
            doc_types,
            parse_day(valid_from, "--valid-from"),
            parse_day(valid_until, "--valid-until"),
        )
    emit(kid.hex())


@app.command("revoke-signer")
def revoke_signer(kid: Annotated[str, typer.Argument(help="the signer's kid (hex)")]) -> None:
    """Revoke a document signer: every document it signed stops verifying."""
    with user_errors():
        signer = local_pki().revoke_signer(kid)
    out.print(f"revoked {signer.kid.hex()} ({signer.authority}, {signer.state})", markup=False)


@app.command("list")
def list_pki() -> None:
    """Show the CSCAs and document signers of the working trust list."""
    with user_errors():
        pki = local_pki()
        store = pki.store()
    rows = []
    for c in store.cscas:
        kid = kid_of(c.certificate).hex()
        held = "yes" if pki.keys.has(f"csca-{c.state}-{kid}") else "no"
        rows.append(["CSCA", c.state, "", "", kid, _validity(c.certificate), c.status, held])
    for s in store.signers.values():
        docs = ",".join(sorted(s.documents)) if s.documents is not None else "any"
        status = s.status if not s.chain_error else f"{s.status} (chain: {s.chain_error})"
        held = "yes" if pki.keys.has(f"dsc-{s.kid.hex()}") else "no"
        rows.append(["DSC", s.state or "", s.authority or "", docs, s.kid.hex(),
                     _validity(s.certificate), status, held])  # fmt: skip
    print_rows(
        ["kind", "state", "authority", "documents", "kid", "valid", "status", "key here"], rows
    )


def _validity(cert) -> str:  # type: ignore[no-untyped-def]
    return f"{cert.not_valid_before_utc:%Y-%m-%d}..{cert.not_valid_after_utc:%Y-%m-%d}"


@trust_app.command("export")
def export(
    file: Annotated[Path, typer.Argument(help="where to write the signed trust list")],
) -> None:
    """Write the trust list as a signed note; prints the verifier key to give to importers."""
    with user_errors():
        vkey = local_pki().export_trust_list(file)
    err.print(f"trust list written to {file}; importers need this verifier key:", markup=False)
    emit(vkey)


@trust_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="a signed trust list")],
    vkey: Annotated[
        list[str] | None, typer.Option("--vkey", help="trust this signed-note key (remembered)")
    ] = None,
) -> None:
    """Import a signed trust list after checking its signature; revocations are never undone."""
    with user_errors():
        incoming, opened = local_pki().import_trust_list(file, vkey or [])
    signers = ", ".join(s.key_id for s in opened.verified)
    out.print(
        f"imported {len(incoming.cscas)} CSCAs and {len(incoming.signers)} signers, signed by {signers}",
        markup=False,
    )


@trust_app.command("vkey")
def show_vkey() -> None:
    """Print this installation's trust-list verifier key (public)."""
    with user_errors():
        emit(local_pki().vkey())
