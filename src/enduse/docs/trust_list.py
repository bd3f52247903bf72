"""The trust list: which CSCAs and document signers a verifier trusts, and their status.

A JSON document of certificates with status, signed as a C2SP signed note so
that a border post can load an update from a USB stick and know it is
genuine. In memory it becomes a `TrustStore` indexed by kid, with each
signer's chain checked once when loaded, not on every verification.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property
from typing import Any, Literal

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm

from enduse.docs import note
from enduse.docs.doctypes import DOC_TYPES
from enduse.docs.pki import (
    cert_authority,
    cert_state,
    cert_usage,
    chain_problem,
    is_ca,
    kid_of,
)

FORMAT = "enduse.trust-list/1"
MAX_TRUST_LIST_BYTES = note.MAX_NOTE_SIZE
Status = Literal["active", "revoked"]


class TrustListError(ValueError):
    pass


@dataclass(frozen=True)
class Csca:
    state: str
    certificate: x509.Certificate
    status: Status = "active"


@dataclass(frozen=True)
class Signer:
    kid: bytes
    certificate: x509.Certificate
    state: str | None
    authority: str | None
    documents: frozenset[str] | None  # None: the certificate restricts nothing (direct trust)
    status: Status = "active"
    revoked_at: datetime | None = None
    chain_error: str | None = None  # why it does not chain to an active CSCA of its state
    direct: bool = False  # trusted by the verifier directly, not through a CSCA
    public_key: Any = field(default=None, compare=False, repr=False)
    not_before: datetime = field(init=False, compare=False, repr=False)
    not_after: datetime = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        # Read once: cryptography re-parses the ASN.1 time on every property access.
        object.__setattr__(self, "not_before", self.certificate.not_valid_before_utc)
        object.__setattr__(self, "not_after", self.certificate.not_valid_after_utc)

    @cached_property
    def description(self) -> dict[str, Any]:
        return {
            "kid": self.kid.hex(),
            "state": self.state,
            "authority": self.authority,
            "documents": sorted(self.documents) if self.documents is not None else None,
            "status": self.status,
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
            "subject": self.certificate.subject.rfc4514_string(),
        }


def _signer(cert: x509.Certificate, documents: frozenset[str] | None, **kw: Any) -> Signer:
    try:
        public_key = cert.public_key()
    except UnsupportedAlgorithm:
        raise TrustListError(
            f"certificate {cert.subject.rfc4514_string()}: unsupported key algorithm"
        ) from None
    return Signer(
        kid=kid_of(cert),
        certificate=cert,
        state=cert_state(cert),
        authority=cert_authority(cert),
        documents=documents,
        public_key=public_key,
        **kw,
    )


def allowed_documents(cert: x509.Certificate, listed: frozenset[str] | None) -> frozenset[str]:
    """What a CSCA-certified signer may sign: its certificate's usages, narrowed by the list's.

    SIGNED-DOCS allows either to carry the restriction; a signer restricted by
    neither may sign nothing, rather than everything.
    """
    certified = cert_usage(cert).doc_types
    if certified is None:
        return listed or frozenset()
    return certified if listed is None else certified & listed


@dataclass
class TrustStore:
    cscas: list[Csca] = field(default_factory=list)
    signers: dict[bytes, Signer] = field(default_factory=dict)

    def lookup(self, kid: bytes) -> Signer | None:
        return self.signers.get(kid)

    def add_csca(self, cert: x509.Certificate, status: Status = "active") -> None:
        state = cert_state(cert)
        if state is None or not is_ca(cert):
            raise TrustListError("a CSCA must be a CA certificate naming its country")
        self.cscas = [c for c in self.cscas if c.certificate != cert]
        self.cscas.append(Csca(state, cert, status))
        self._recheck()

    def add_signer(
        self,
        cert: x509.Certificate,
        status: Status = "active",
        revoked_at: datetime | None = None,
        documents: frozenset[str] | None = None,
    ) -> Signer:
        """A signer certified by a CSCA; `documents` is the trust list's restriction, if any."""
        signer = _signer(
            cert, allowed_documents(cert, documents), status=status, revoked_at=revoked_at
        )
        self.signers[signer.kid] = replace(signer, chain_error=self._chain_error(cert))
        return self.signers[signer.kid]

    def trust_directly(self, cert: x509.Certificate) -> None:
        """Bilateral or test use: a CA becomes a CSCA, anything else a signer trusted as it is."""
        if is_ca(cert) and cert_state(cert):
            self.add_csca(cert)
        else:
            signer = _signer(cert, cert_usage(cert).doc_types, direct=True)
            self.signers[signer.kid] = signer

    def revoke(self, kid: bytes, at: datetime) -> Signer:
        if kid not in self.signers:
            raise TrustListError(f"no signer with kid {kid.hex()} in the trust list")
        signer = self.signers[kid]
        if signer.status != "revoked":
            self.signers[kid] = replace(signer, status="revoked", revoked_at=at)
        return self.signers[kid]

    def _chain_error(self, cert: x509.Certificate) -> str | None:
        candidates = [c for c in self.cscas if c.state == cert_state(cert)]
        if not candidates:
            return f"no CSCA of state {cert_state(cert)} in the trust list"
        errors = []
        for csca in candidates:
            problem = chain_problem(cert, csca.certificate)
            if problem is None:
                return None if csca.status == "active" else "its CSCA is revoked"
            errors.append(problem)
        return "; ".join(errors)

    def _recheck(self) -> None:
        for kid, s in self.signers.items():
            if not s.direct:
                self.signers[kid] = replace(s, chain_error=self._chain_error(s.certificate))

    def merge(self, other: TrustStore) -> None:
        """Take another list's entries; a revocation is never undone by an older list."""
        revoked = {c.certificate for c in self.cscas if c.status == "revoked"}
        for csca in other.cscas:
            if csca.certificate not in revoked:
                self.add_csca(csca.certificate, csca.status)
        for kid, s in other.signers.items():
            mine = self.signers.get(kid)
            if mine is not None and mine.status == "revoked":
                continue
            self.add_signer(s.certificate, s.status, s.revoked_at, s.documents)

    # --- JSON ---------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "cscas": [
                {"state": c.state, "status": c.status, "certificate": _der_b64(c.certificate)}
                for c in self.cscas
            ],
            "signers": [
                {
                    "kid": s.kid.hex(),
                    "state": s.state,
                    "authority": s.authority,
                    "documents": sorted(s.documents) if s.documents is not None else None,
                    "status": s.status,
                    "revoked_at": s.revoked_at.isoformat() if s.revoked_at else None,
                    "certificate": _der_b64(s.certificate),
                }
                for s in self.signers.values()
                if not s.direct
            ],
        }

    @classmethod
    def from_json(cls, data: Any) -> TrustStore:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise TrustListError(f"$.format: not an {FORMAT} document")
        store = cls()
        for i, c in enumerate(_list(data, "cscas")):
            cert = _load_cert(c, f"$.cscas[{i}]")
            store.add_csca(cert, _status(c, f"$.cscas[{i}]"))
        for i, s in enumerate(_list(data, "signers")):
            path = f"$.signers[{i}]"
            cert = _load_cert(s, path)
            revoked_at = _time(s.get("revoked_at"), f"{path}.revoked_at")
            signer = store.add_signer(cert, _status(s, path), revoked_at, _documents(s, path))
            if s.get("kid") not in (None, signer.kid.hex()):
                raise TrustListError(f"{path}.kid: does not match the certificate")
            for key, value in (("state", signer.state), ("authority", signer.authority)):
                if s.get(key) not in (None, value):
                    raise TrustListError(f"{path}.{key}: differs from the certificate")
        return store


def _der_b64(cert: x509.Certificate) -> str:
    from cryptography.hazmat.primitives.serialization import Encoding

    return base64.b64encode(cert.public_bytes(Encoding.DER)).decode("ascii")


def _list(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise TrustListError(f"$.{key}: expected a list of objects")
    return value


def _load_cert(entry: dict[str, Any], path: str) -> x509.Certificate:
    try:
        return x509.load_der_x509_certificate(base64.b64decode(entry["certificate"], validate=True))
    except (KeyError, TypeError, ValueError) as e:
        raise TrustListError(f"{path}.certificate: not a base64 DER certificate ({e})") from None


def _status(entry: dict[str, Any], path: str) -> Status:
    status = entry.get("status", "active")
    if status not in ("active", "revoked"):
        raise TrustListError(f"{path}.status: expected active or revoked, got {status!r}")
    return status


def _documents(entry: dict[str, Any], path: str) -> frozenset[str] | None:
    value = entry.get("documents")
    if value is None:
        return None
    if not isinstance(value, list) or not all(v in DOC_TYPES for v in value):
        raise TrustListError(f"{path}.documents: expected a list of {', '.join(DOC_TYPES)}")
    return frozenset(value)


def _time(value: Any, path: str) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise TrustListError(f"{path}: not an ISO 8601 time") from None


# --- signed-note form --------------------------------------------------------------------


def to_note(store: TrustStore, signer: note.Signer) -> str:
    text = json.dumps(store.to_json(), indent=1, sort_keys=True, ensure_ascii=True) + "\n"
    return note.sign(text, [signer])


def from_note(
    text: str | bytes, verifiers: list[note.Verifier], *, allow_unknown_signer: bool = False
) -> tuple[TrustStore, note.Note]:
    """Open a signed trust list.

    Raises NoteError when the signature is bad, or when no known key signed it
    unless `allow_unknown_signer` (the caller named the file explicitly and
    takes responsibility; the returned note then has no verified signature).
    """
    if len(text) > MAX_TRUST_LIST_BYTES:
        raise TrustListError(f"trust list over {MAX_TRUST_LIST_BYTES} bytes")
    try:
        opened = note.open_note(text, verifiers)
    except note.NoteError as e:
        if not (allow_unknown_signer and e.reason == "unknown_key"):
            raise
        body, sigs = note.parse(text)
        opened = note.Note(body, (), sigs)
    try:
        data = json.loads(opened.text)
    except json.JSONDecodeError as e:
        raise TrustListError(f"trust list text is not JSON: {e.msg} at line {e.lineno}") from None
    return TrustStore.from_json(data), opened
