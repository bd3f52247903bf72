"""Certificates of the document PKI: a country signing CA (CSCA) per state, document signers (DSC).

As in ICAO's PKD and the EU DCC gateway: a CSCA is self-signed and only
certifies DSCs; a DSC names its state (C), its authority
(organizationIdentifier) and the document types it may sign (one extended
key usage per type). The key id of a DSC is the first 8 bytes of SHA-256
over its DER, as in HCERT.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from enduse.docs.doctypes import BY_EKU, DocType


def kid_of(cert: x509.Certificate) -> bytes:
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).digest()[:8]


def _sign_hash(key: Any) -> hashes.HashAlgorithm | None:
    return None if isinstance(key, ed25519.Ed25519PrivateKey) else hashes.SHA256()


def create_csca(
    state: str, private_key: Any, not_before: datetime, not_after: datetime
) -> x509.Certificate:
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, state),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"State {state}"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"enduse CSCA {state}"),
        ]
    )
    public = private_key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_ca_key_usage(), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(private_key, _sign_hash(private_key))
    )


def issue_dsc(
    csca: x509.Certificate,
    csca_key: Any,
    authority: str,
    doc_types: Iterable[DocType],
    public_key: Any,
    not_before: datetime,
    not_after: datetime,
) -> x509.Certificate:
    state = cert_state(csca)
    if state is None:
        raise ValueError("the CSCA certificate names no country")
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, state),
            x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, authority),
            x509.NameAttribute(NameOID.COMMON_NAME, authority),
        ]
    )
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(csca.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_signer_key_usage(), critical=True)
        .add_extension(x509.ExtendedKeyUsage([d.eku for d in doc_types]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(csca.public_key()), critical=False
        )
        .sign(csca_key, _sign_hash(csca_key))
    )


def _ca_key_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=False, content_commitment=False, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
        encipher_only=False, decipher_only=False,
    )  # fmt: skip


def _signer_key_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True, content_commitment=False, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
        encipher_only=False, decipher_only=False,
    )  # fmt: skip


def _attr(cert: x509.Certificate, oid: x509.ObjectIdentifier) -> str | None:
    values = cert.subject.get_attributes_for_oid(oid)
    value = values[0].value if values else None
    return value if isinstance(value, str) else None


def cert_state(cert: x509.Certificate) -> str | None:
    return _attr(cert, NameOID.COUNTRY_NAME)


def cert_authority(cert: x509.Certificate) -> str | None:
    return _attr(cert, NameOID.ORGANIZATION_IDENTIFIER)


def is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


@dataclass(frozen=True)
class Usage:
    """Which document types a certificate may sign: None when it carries no usage restriction."""

    doc_types: frozenset[str] | None


def cert_usage(cert: x509.Certificate) -> Usage:
    try:
        eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return Usage(None)
    if ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE in eku:
        return Usage(None)
    return Usage(frozenset(BY_EKU[oid].code for oid in eku if oid in BY_EKU))


def validity(cert: x509.Certificate) -> tuple[datetime, datetime]:
    return cert.not_valid_before_utc, cert.not_valid_after_utc


def chain_problem(dsc: x509.Certificate, csca: x509.Certificate) -> str | None:
    """Why `dsc` was not issued by `csca`, or None when it was."""
    if not is_ca(csca):
        return "issuer certificate is not a CA"
    if dsc.issuer != csca.subject:
        return "issuer name does not match the CSCA"
    try:
        dsc.verify_directly_issued_by(csca)
    except (InvalidSignature, UnsupportedAlgorithm, ValueError, TypeError) as e:
        return f"CSCA signature on the signer certificate does not verify ({type(e).__name__})"
    if cert_state(dsc) != cert_state(csca):
        return "signer's country differs from its CSCA's"
    start, end = validity(csca)
    if not start <= dsc.not_valid_before_utc <= end:
        return "signer certificate issued outside the CSCA's validity"
    return None
