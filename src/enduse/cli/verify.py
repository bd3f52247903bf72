"""`enduse verify`: the border post's check of a signed document, offline.

Exit 0 when valid, 1 when not, 2 when the command itself was misused; the
first word printed is always the reason code.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from cryptography import x509
from rich.markup import escape

from enduse.cli.common import (
    USAGE,
    emit,
    fail,
    local_pki,
    out,
    parse_time,
    read_stdin,
    stdout_may_close,
)
from enduse.docs import note
from enduse.docs.doctypes import DOC_TYPES, MAX_PAYLOAD_CHARS, document_id
from enduse.docs.local_pki import PkiError
from enduse.docs.qr import QrError, read_qr
from enduse.docs.reasons import PLAIN_WORDS, Verification
from enduse.docs.trust_list import TrustListError, TrustStore
from enduse.docs.verify import verify
from enduse.files import read_capped

MAX_CERTIFICATE_BYTES = 64 * 1024


def command(
    payload: Annotated[
        str | None,
        typer.Argument(help="the payload (EUC1:..., LIC1:, ...); default: standard input"),
    ] = None,
    image: Annotated[
        Path | None, typer.Option(help="read the payload from a QR code image")
    ] = None,
    trust_list: Annotated[
        Path | None,
        typer.Option(help="verify against this signed trust list instead of the local one"),
    ] = None,
    trust_list_key: Annotated[
        list[str] | None, typer.Option(help="a signed-note key trusted to sign --trust-list")
    ] = None,
    trust_cert: Annotated[
        list[Path] | None, typer.Option(help="trust this PEM or DER certificate directly")
    ] = None,
    prefix: Annotated[
        str | None,
        typer.Option(
            help="expected prefix; another than EUC1:/LIC1:/DVC1:/RXC1: checks the envelope only"
        ),
    ] = None,
    at: Annotated[
        str | None, typer.Option(help="verification time, ISO 8601 (default: now)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON")] = False,
) -> None:
    """Verify a signed document offline: prints VALID's reason code `valid`, or why not."""
    when = parse_time(at, "--at") or datetime.now(UTC)
    text = _payload(payload, image)
    store = _trust(trust_list, trust_list_key or [], trust_cert or [])
    result = verify(text, store, at=when, prefix=prefix)
    result.details.setdefault("verified_at", when.isoformat())
    code = 0 if result.valid else 1  # decided before printing: a closed pipe must not change it
    with stdout_may_close():
        if as_json:
            emit(json.dumps(result.as_dict(), default=str, indent=2, ensure_ascii=False))
        else:
            _print(result)
    raise typer.Exit(code)


def _payload(payload: str | None, image: Path | None) -> str:
    if payload is not None and image is not None:
        raise fail("give a payload or --image, not both", USAGE)
    if image is not None:
        try:
            return read_qr(image)
        except QrError as e:
            raise fail(str(e), USAGE) from None
        except OSError as e:
            raise fail(f"{image}: {e.strerror}", USAGE) from None
    if payload is None:
        payload = read_stdin(MAX_PAYLOAD_CHARS * 2)
        if not payload.strip():
            raise fail(
                "no payload: give it as an argument, on standard input, or with --image", USAGE
            )
    return payload


def _trust(trust_list: Path | None, keys: list[str], certs: list[Path]) -> TrustStore:
    try:
        pki = local_pki()
        store = pki.store() if trust_list is None else pki.read_trust_list(trust_list, keys)[0]
        for path in certs:
            store.trust_directly(_load_cert(path))
        return store
    except note.NoteError as e:
        hint = " (pass the signer's key with --trust-list-key)" if e.reason == "unknown_key" else ""
        raise fail(f"{trust_list}: {e.reason}: {e}{hint}", USAGE) from None
    except (TrustListError, PkiError, ValueError) as e:
        raise fail(str(e), USAGE) from None
    except OSError as e:
        raise fail(f"{e.filename}: {e.strerror}", USAGE) from None


def _load_cert(path: Path) -> x509.Certificate:
    data = read_capped(path, MAX_CERTIFICATE_BYTES)
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError:
        raise fail(f"{path}: not a PEM or DER certificate", USAGE) from None


def _print(result: Verification) -> None:
    message = result.details.get("message") or PLAIN_WORDS[result.result]
    if result.valid:
        out.print(f"[bold green]valid[/]  {PLAIN_WORDS[result.result]}")
    else:
        out.print(f"[bold red]{result.result.value}[/]  {escape(str(message))}")
        if "path" in result.details:
            out.print(f"  at: {result.details['path']}", markup=False)
    doc = result.document
    if result.document_type in DOC_TYPES and isinstance(doc, dict):
        for line in _summary(result.document_type, doc):
            out.print(f"  {line}", markup=False)
    if result.signer:
        s = result.signer
        out.print(
            f"  signer: {s.get('authority') or s.get('subject')} ({s.get('state')}), kid {s['kid']}",
            markup=False,
        )


def _party(value: Any) -> str:
    if isinstance(value, dict):
        return f"{value.get('name')} ({value.get('country')}, {value.get('kind')})"
    return str(value)


def _summary(code: str, doc: dict[str, Any]) -> list[str]:
    if code == "EUC":
        lines = [
            f"{doc.get('document_type', 'EUC')} {doc.get('issuing_authority')}:{doc.get('euc_number')}"
            f", issued {doc.get('date_of_issue')} by {doc.get('issuing_state')}, valid until {doc.get('valid_until') or 'no date'}",
            f"end user: {_party(doc.get('end_user'))}; final destination {doc.get('country_of_final_destination')}",
            f"exporter: {_party(doc.get('exporter'))}",
        ]
        for item in doc.get("items") or []:
            if isinstance(item, dict):
                lines.append(
                    f"line {item.get('line')}: {item.get('quantity')} {item.get('unit')} "
                    f"{item.get('description')} [{item.get('control_entry') or '-'}, {item.get('calibre') or '-'}]"
                )
        return lines
    return [f"{DOC_TYPES[code].title} {document_id(DOC_TYPES[code], doc)}"]
