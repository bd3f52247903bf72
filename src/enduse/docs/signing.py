"""Sign a document of a bundle with the document signer of its authority."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from enduse.docs.compact import claims_for, embed_parties, encode_payload
from enduse.docs.doctypes import DOC_TYPES, DocType, get_path
from enduse.docs.local_pki import LocalPki, PkiError, SigningKey
from enduse.domain.bundle import Bundle
from enduse.domain.errors import DomainError, Problem
from enduse.domain.types import Record


def sign_document(
    doc_type: DocType, document: Record, bundle: Bundle, key: SigningKey, iss: str
) -> str:
    """The compact payload of `document`, parties embedded, signed with `key`."""
    parties = {p.id: p for p in bundle.parties}
    body = embed_parties(doc_type, document.to_json(), parties)
    return encode_payload(
        doc_type, claims_for(doc_type, body, iss), key.private_key, key.signer.kid
    )


def sign_record(bundle: Bundle, doc_type: DocType, record: Record, pki: LocalPki) -> str:
    """Sign a document of the bundle with the newest signer its authority holds for that type.

    Refuses what would never verify: a signer of another state than the one
    the document names, or an authority the bundle places in another state.
    """
    data = record.to_json()
    authority_id = get_path(data, doc_type.authority_field)
    if not isinstance(authority_id, str):
        raise DomainError(
            [Problem(f"$.{doc_type.authority_field}", "missing", "no authority to sign it")]
        )
    issued = get_path(data, doc_type.date_field)
    key = pki.signing_key(
        authority_id, doc_type, date.fromisoformat(issued) if isinstance(issued, str) else None
    )
    iss = key.signer.state
    named = get_path(data, doc_type.state_field) if doc_type.state_field else None
    if named is not None and named != iss:
        raise PkiError(
            f"the signer of {authority_id} belongs to {iss}, but the document's "
            f"{doc_type.state_field} is {named}"
        )
    authority = bundle.authority(authority_id)
    if authority is not None and authority.state != iss:
        raise DomainError(
            [
                Problem(
                    "$.authorities",
                    "invalid",
                    f"authority {authority_id} is of {authority.state}, its signer of {iss}",
                )
            ]
        )
    if iss is None:
        raise PkiError(f"the signer of {authority_id} names no state")
    return sign_document(doc_type, record, bundle, key, iss)


def sign_euc(
    bundle: Bundle, euc_number: str, pki: LocalPki, issuing_authority: str | None = None
) -> str:
    matches = bundle.euc(euc_number, issuing_authority)
    if not matches:
        raise DomainError([Problem("$.eucs", "not_found", f"no EUC {euc_number!r} in the bundle")])
    if len(matches) > 1:
        authorities = ", ".join(e.issuing_authority for e in matches)
        raise DomainError(
            [
                Problem(
                    "$.eucs",
                    "ambiguous",
                    f"EUC {euc_number!r} exists for {authorities}: name the authority",
                )
            ]
        )
    return sign_record(bundle, DOC_TYPES["EUC"], matches[0], pki)


def signer_of(pki: LocalPki) -> Callable[[Bundle, DocType, Record], str]:
    """What the workflow calls to sign a decision: the keys stay in this PKI's keystore."""
    return lambda bundle, doc_type, record: sign_record(bundle, doc_type, record, pki)
