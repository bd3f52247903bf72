"""The four signed document types: prefix, certificate OID, and which fields carry what.

One table, so the signer, the verifier and the PKI agree on what each type is.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.x509.oid import ObjectIdentifier

# enduse's own OID arc, made from UUID 67465246-16b7-4ae8-a200-1f9851c021b4 (X.667, no registry).
ENDUSE_ARC = "2.25.137275613056532905666064448253092438452"
DOCUMENT_CLAIM = -70000
MAX_PAYLOAD_CHARS = 8000  # SIGNED-DOCS.md: longer payloads are refused before any work


@dataclass(frozen=True)
class DocType:
    code: str  # EUC, LIC, DVC, RXC
    prefix: str
    title: str
    eku: ObjectIdentifier
    collection: str  # the BUNDLE.md list holding this kind of document
    id_fields: tuple[str, ...]  # the document's identity
    authority_field: str  # dotted path of the authority that signs it
    state_field: str | None  # the field naming the signing state, which must equal `iss`
    date_field: str  # iat: date of issue or decision
    expiry_field: str | None  # exp: valid_until, if the type has one
    party_fields: tuple[
        str, ...
    ]  # fields naming parties, embedded when signed ("a.b" = list of objects' b)


DOC_TYPES: dict[str, DocType] = {
    d.code: d
    for d in (
        DocType(
            "EUC", "EUC1:", "end-user certificate", ObjectIdentifier(f"{ENDUSE_ARC}.1.1"), "eucs",
            ("issuing_authority", "euc_number"), "issuing_authority", "issuing_state", "date_of_issue", "valid_until",
            ("exporter", "end_user", "consignees", "intermediaries.party"),
        ),
        DocType(
            "LIC", "LIC1:", "export licence", ObjectIdentifier(f"{ENDUSE_ARC}.1.2"), "licences",
            ("licence_number",), "authority", "exporting_state", "date_of_decision", "valid_until",
            ("applicant",),
        ),
        DocType(
            "DVC", "DVC1:", "delivery verification certificate", ObjectIdentifier(f"{ENDUSE_ARC}.1.3"),
            "delivery_verifications", ("dvc_number",), "issuing_authority", None, "arrival_date", None,
            ("delivered_to",),
        ),
        DocType(
            "RXC", "RXC1:", "re-export consent decision", ObjectIdentifier(f"{ENDUSE_ARC}.1.4"),
            "reexport_requests", ("request_id",), "decision.by", None, "decision.date", None,
            ("requesting_party", "proposed_end_user"),
        ),
    )
}  # fmt: skip

BY_PREFIX = {d.prefix: d for d in DOC_TYPES.values()}
BY_EKU = {d.eku: d for d in DOC_TYPES.values()}


def parse_doc_types(text: str) -> list[DocType]:
    """'EUC,DVC' -> the two types; names what is unknown."""
    out: list[DocType] = []
    for raw in text.split(","):
        code = raw.strip().upper()
        if code not in DOC_TYPES:
            raise ValueError(
                f"unknown document type {raw.strip()!r}; known: {', '.join(DOC_TYPES)}"
            )
        if DOC_TYPES[code] not in out:
            out.append(DOC_TYPES[code])
    if not out:
        raise ValueError("no document type given")
    return out


def get_path(doc: dict, dotted: str) -> object:
    cur: object = doc
    for part in dotted.split("."):
        if not isinstance(cur, dict):
            return None
        cur = cur.get(part)
    return cur


def document_id(doc_type: DocType, document: dict) -> str:
    """How people name the document: ISSUER:NUMBER for an EUC, the number otherwise."""
    return ":".join(str(get_path(document, f)) for f in doc_type.id_fields)
