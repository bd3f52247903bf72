"""This installation's part of the document PKI: its CSCAs, signers, keys and trust list.

State lives under ENDUSE_HOME: `pki/trust-list.json` (the working trust
list), `pki/trusted-keys` (signed-note keys whose trust lists we accept) and
the private keys in the keystore (`keys/`). Every file is replaced
atomically, so a crash leaves the old or the new state, never half of one.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519

from enduse.docs import note
from enduse.docs.doctypes import DocType
from enduse.docs.keystore import Keystore
from enduse.docs.pki import create_csca, issue_dsc, kid_of
from enduse.docs.trust_list import (
    MAX_TRUST_LIST_BYTES,
    Signer,
    TrustListError,
    TrustStore,
    from_note,
    to_note,
)
from enduse.domain.codes import check_country
from enduse.files import TooLarge, read_capped, write_durably

# Certificates start this far back by default so EUCs issued on paper in the last two years
# can be digitised and verified "as of" their dates; pass valid_from for a stricter PKI.
BACKFILL = timedelta(days=730)
CSCA_YEARS = 15
DSC_YEARS = 5
TRUST_LIST_SIGNER_KEY = "trust-list-signer"


class PkiError(RuntimeError):
    pass


def _day(d: date) -> datetime:
    return datetime.combine(d, time(0, 0), UTC)


@dataclass(frozen=True)
class SigningKey:
    signer: Signer
    private_key: Any

    def __repr__(self) -> str:
        return f"SigningKey(kid={self.signer.kid.hex()})"


class LocalPki:
    def __init__(self, home: Path, passphrase: bytes | None = None) -> None:
        self.home = home
        self.dir = home / "pki"
        self.keys = Keystore(home / "keys", passphrase)
        self._store: TrustStore | None = None

    def _write(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_durably(path, data)

    # --- the working trust list ------------------------------------------------------------

    @property
    def list_path(self) -> Path:
        return self.dir / "trust-list.json"

    def forget(self) -> None:
        """Read the trust list from disk again at the next `store()` (another process changed it)."""
        self._store = None

    def store(self) -> TrustStore:
        if self._store is None:
            if self.list_path.exists():
                try:
                    data = json.loads(self.list_path.read_text("utf-8"))
                except json.JSONDecodeError as e:
                    raise PkiError(f"{self.list_path}: not JSON ({e.msg})") from None
                self._store = TrustStore.from_json(data)
            else:
                self._store = TrustStore()
        return self._store

    def _save(self) -> None:
        text = json.dumps(self.store().to_json(), indent=1, sort_keys=True) + "\n"
        self._write(self.list_path, text.encode("utf-8"))

    # --- states and signers ----------------------------------------------------------------

    def init_state(
        self, state: str, valid_from: date | None = None, years: int = CSCA_YEARS
    ) -> bytes:
        try:
            check_country(state)
        except ValueError as e:
            raise PkiError(str(e)) from None
        if any(c.state == state and c.status == "active" for c in self.store().cscas):
            raise PkiError(f"state {state} already has an active CSCA")
        start = _day(valid_from) if valid_from else _day(date.today()) - BACKFILL
        key = ed25519.Ed25519PrivateKey.generate()
        cert = create_csca(state, key, start, _day(date.today()) + timedelta(days=365 * years))
        kid = kid_of(cert)
        self.keys.save(f"csca-{state}-{kid.hex()}", key)
        self.store().add_csca(cert)
        self._save()
        return kid

    def issue_signer(
        self,
        state: str,
        authority: str,
        doc_types: list[DocType],
        valid_from: date | None = None,
        valid_until: date | None = None,
    ) -> bytes:
        csca = next(
            (
                c
                for c in reversed(self.store().cscas)
                if c.state == state
                and c.status == "active"
                and self.keys.has(f"csca-{state}-{kid_of(c.certificate).hex()}")
            ),
            None,
        )
        if csca is None:
            raise PkiError(
                f"no CSCA of state {state} here: run `enduse pki init-state --state {state}`"
            )
        if not authority or len(authority) > 64 or any(ch.isspace() for ch in authority):
            raise PkiError(f"bad authority id {authority!r}: 1 to 64 characters, no spaces")
        csca_key = self.keys.load(f"csca-{state}-{kid_of(csca.certificate).hex()}")
        start = _day(valid_from) if valid_from else _day(date.today()) - BACKFILL
        start = max(start, csca.certificate.not_valid_before_utc)
        end = (
            _day(valid_until) + timedelta(hours=23, minutes=59, seconds=59)
            if valid_until
            else _day(date.today()) + timedelta(days=365 * DSC_YEARS)
        )
        end = min(end, csca.certificate.not_valid_after_utc)
        if end <= start:
            raise PkiError("the signer's validity period is empty")
        key = ed25519.Ed25519PrivateKey.generate()
        cert = issue_dsc(
            csca.certificate, csca_key, authority, doc_types, key.public_key(), start, end
        )
        kid = kid_of(cert)
        self.keys.save(f"dsc-{kid.hex()}", key)
        self.store().add_signer(cert)
        self._save()
        return kid

    def revoke_signer(self, kid_hex: str) -> Signer:
        try:
            kid = bytes.fromhex(kid_hex)
        except ValueError:
            raise PkiError(f"{kid_hex!r} is not a hex key id") from None
        try:
            signer = self.store().revoke(kid, datetime.now(UTC))
        except TrustListError as e:
            raise PkiError(str(e)) from None
        self._save()
        return signer

    def signing_key(self, authority: str, doc_type: DocType, on: date | None = None) -> SigningKey:
        """The newest usable signer of `authority` for `doc_type` whose key is held here."""
        when = _day(on) if on else datetime.now(UTC)
        usable = [
            s
            for s in self.store().signers.values()
            if s.authority == authority
            and s.status == "active"
            and not s.chain_error
            and (s.documents is None or doc_type.code in s.documents)
            and self.keys.has(f"dsc-{s.kid.hex()}")
        ]
        if not usable:
            raise PkiError(
                f"authority {authority} has no active document signer allowed to sign "
                f"{doc_type.code} documents: run `enduse pki issue-signer --authority {authority} "
                f"--documents {doc_type.code} ...`"
            )
        valid = [
            s
            for s in usable
            if s.certificate.not_valid_before_utc <= when <= s.certificate.not_valid_after_utc
        ]
        best = max(valid or usable, key=lambda s: s.certificate.not_valid_before_utc)
        return SigningKey(best, self.keys.load(f"dsc-{best.kid.hex()}"))

    # --- the signed trust list ---------------------------------------------------------------

    def _list_signer(self) -> note.Signer:
        name_path = self.dir / "trust-list-signer.name"
        if not self.keys.has(TRUST_LIST_SIGNER_KEY):
            name = (
                os.environ.get("ENDUSE_TRUST_LIST_NAME")
                or f"enduse-trust-list-{secrets.token_hex(3)}"
            )
            key, _vkey = note.generate_ed25519(name)
            self.keys.save(TRUST_LIST_SIGNER_KEY, key)
            self._write(name_path, name.encode("utf-8"))
        name = name_path.read_text("utf-8").strip()
        return note.ed25519_signer(name, self.keys.load(TRUST_LIST_SIGNER_KEY))

    def vkey(self) -> str:
        signer = self._list_signer()
        return note.ed25519_vkey(signer.name, self.keys.load(TRUST_LIST_SIGNER_KEY).public_key())

    def trusted_vkeys(self) -> list[str]:
        path = self.dir / "trusted-keys"
        keys = path.read_text("utf-8").split() if path.exists() else []
        if self.keys.has(TRUST_LIST_SIGNER_KEY):
            keys.append(self.vkey())
        return keys

    def trust_vkey(self, vkey: str) -> None:
        note.parse_vkey(vkey)  # refuse a malformed key before remembering it
        known = set(self.trusted_vkeys())
        if vkey not in known:
            path = self.dir / "trusted-keys"
            old = path.read_text("utf-8") if path.exists() else ""
            self._write(path, (old + vkey + "\n").encode("utf-8"))

    def export_trust_list(self, path: Path) -> str:
        text = to_note(self.store(), self._list_signer())
        write_durably(path, text.encode("utf-8"))
        return self.vkey()

    def verifiers(self, extra_vkeys: list[str] = ()) -> list[note.Verifier]:  # type: ignore[assignment]
        return [note.parse_vkey(v) for v in dict.fromkeys([*self.trusted_vkeys(), *extra_vkeys])]

    def read_trust_list(
        self, path: Path, extra_vkeys: list[str] = ()
    ) -> tuple[TrustStore, note.Note]:  # type: ignore[assignment]
        try:
            text = read_capped(path, MAX_TRUST_LIST_BYTES)
        except OSError as e:
            raise PkiError(f"{path}: {e.strerror}") from None
        except TooLarge as e:
            raise PkiError(str(e)) from None
        return from_note(text, self.verifiers(extra_vkeys))

    def import_trust_list(
        self, path: Path, extra_vkeys: list[str] = ()
    ) -> tuple[TrustStore, note.Note]:  # type: ignore[assignment]
        incoming, opened = self.read_trust_list(path, extra_vkeys)
        self.store().merge(incoming)
        self._save()
        for vkey in extra_vkeys:
            self.trust_vkey(vkey)
        return incoming, opened
