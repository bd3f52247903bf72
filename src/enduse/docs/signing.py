"""Sign a document of a bundle with the document signer of its authority."""

from __future__ import annotations

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
    euc = matches[0]
    doc_type = DOC_TYPES["EUC"]
    key = pki.signing_key(euc.issuing_authority, doc_type, euc.date_of_issue)
    if key.signer.state != euc.issuing_state:
        raise PkiError(
            f"the signer of {euc.issuing_authority} belongs to {key.signer.state}, "
            f"but the EUC's issuing state is {euc.issuing_state}"
        )
    authority = bundle.authority(euc.issuing_authority)
    if authority is not None and authority.state != euc.issuing_state:
        raise DomainError(
            [
                Problem(
                    "$.eucs",
                    "invalid",
                    f"authority {authority.id} is of {authority.state}, not {euc.issuing_state}",
                )
            ]
        )
    assert get_path(euc.to_json(), doc_type.authority_field) == euc.issuing_authority
    return sign_document(doc_type, euc, bundle, key, euc.issuing_state)
