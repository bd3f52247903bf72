"""This installation's PKI: states, signers, revocation, and moving trust lists between homes."""

from __future__ import annotations

import json
import stat
from datetime import UTC, date, datetime, timedelta

import pytest
from cryptography import x509

from enduse.docs import note
from enduse.docs.doctypes import DOC_TYPES, parse_doc_types
from enduse.docs.local_pki import BACKFILL, LocalPki, PkiError
from enduse.docs.pki import cert_authority, cert_state, cert_usage, is_ca

EUC = DOC_TYPES["EUC"]


def test_a_state_gets_one_csca(home):
    pki = LocalPki(home)
    pki.init_state("CZ")
    [csca] = pki.store().cscas
    assert csca.state == "CZ" and is_ca(csca.certificate)
    assert csca.certificate.subject == csca.certificate.issuer
    start = csca.certificate.not_valid_before_utc
    assert start == datetime.combine(date.today(), datetime.min.time(), UTC) - BACKFILL
    with pytest.raises(PkiError, match="already has an active CSCA"):
        pki.init_state("CZ")
    with pytest.raises(PkiError, match="not an ISO 3166-1"):
        pki.init_state("ZZ")


def test_a_signer_names_its_state_authority_and_document_types(home):
    pki = LocalPki(home)
    pki.init_state("CZ", valid_from=date(2025, 1, 1))
    kid = pki.issue_signer(
        "CZ", "CZ-MOD", parse_doc_types("EUC,DVC"), valid_until=date(2027, 12, 31)
    )
    signer = pki.store().lookup(kid)
    cert = signer.certificate
    assert (cert_state(cert), cert_authority(cert)) == ("CZ", "CZ-MOD")
    assert cert_usage(cert).doc_types == {"EUC", "DVC"}
    assert not is_ca(cert)
    assert cert.not_valid_before_utc == datetime(2025, 1, 1, tzinfo=UTC)
    assert cert.not_valid_after_utc == datetime(2027, 12, 31, 23, 59, 59, tzinfo=UTC)
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert set(eku) == {EUC.eku, DOC_TYPES["DVC"].eku}
    assert signer.chain_error is None


def test_a_signer_needs_the_states_csca_here(home):
    with pytest.raises(PkiError, match="init-state --state CZ"):
        LocalPki(home).issue_signer("CZ", "CZ-MOD", [EUC])


def test_the_signing_key_is_the_newest_usable_one(home):
    pki = LocalPki(home)
    pki.init_state("CZ", valid_from=date(2025, 1, 1))
    old = pki.issue_signer("CZ", "CZ-MOD", [EUC], valid_from=date(2025, 1, 1))
    new = pki.issue_signer("CZ", "CZ-MOD", [EUC], valid_from=date(2025, 6, 1))
    assert pki.signing_key("CZ-MOD", EUC).signer.kid == new
    assert pki.signing_key("CZ-MOD", EUC, date(2025, 3, 1)).signer.kid == old
    pki.revoke_signer(new.hex())
    assert pki.signing_key("CZ-MOD", EUC).signer.kid == old
    with pytest.raises(PkiError, match="no active document signer allowed to sign LIC"):
        pki.signing_key("CZ-MOD", DOC_TYPES["LIC"])


def test_state_survives_a_restart_and_files_are_private(home):
    pki = LocalPki(home)
    pki.init_state("BG")
    kid = pki.issue_signer("BG", "BG-MOD", [EUC])
    again = LocalPki(home)
    assert again.store().lookup(kid) is not None
    assert (
        json.loads((home / "pki" / "trust-list.json").read_text())["format"]
        == "enduse.trust-list/1"
    )
    for key_file in (home / "keys").iterdir():
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_revoking_an_unknown_or_malformed_kid(home):
    pki = LocalPki(home)
    with pytest.raises(PkiError, match="not a hex key id"):
        pki.revoke_signer("zz")
    with pytest.raises(PkiError, match="no signer with kid"):
        pki.revoke_signer("00" * 8)


def test_trust_list_moves_between_homes_only_with_a_trusted_key(tmp_path):
    issuer = LocalPki(tmp_path / "issuer")
    issuer.init_state("CZ")
    kid = issuer.issue_signer("CZ", "CZ-MOD", [EUC])
    exported = tmp_path / "trust-list.note"
    vkey = issuer.export_trust_list(exported)
    assert note.parse_vkey(vkey).name.startswith("enduse-trust-list-")

    border = LocalPki(tmp_path / "border")
    with pytest.raises(note.NoteError) as info:
        border.import_trust_list(exported)
    assert info.value.reason == "unknown_key"
    assert border.store().lookup(kid) is None  # nothing imported

    border.import_trust_list(exported, [vkey])
    assert border.store().lookup(kid) is not None
    border.import_trust_list(exported)  # the key is remembered

    tampered = tmp_path / "tampered.note"
    tampered.write_text(exported.read_text().replace("CZ-MOD", "CZ-MOX", 1))
    with pytest.raises(note.NoteError) as info:
        border.import_trust_list(tampered)
    assert info.value.reason == "invalid_signature"


def test_an_older_list_cannot_unrevoke(tmp_path):
    issuer = LocalPki(tmp_path / "issuer")
    issuer.init_state("CZ")
    kid = issuer.issue_signer("CZ", "CZ-MOD", [EUC])
    old = tmp_path / "old.note"
    vkey = issuer.export_trust_list(old)
    border = LocalPki(tmp_path / "border")
    border.import_trust_list(old, [vkey])
    issuer.revoke_signer(kid.hex())
    new = tmp_path / "new.note"
    issuer.export_trust_list(new)
    border.import_trust_list(new)
    assert border.store().lookup(kid).status == "revoked"
    border.import_trust_list(old)
    assert border.store().lookup(kid).status == "revoked"


def test_signer_validity_is_clipped_to_its_csca(home):
    pki = LocalPki(home)
    pki.init_state("CZ", valid_from=date(2025, 1, 1), years=1)
    kid = pki.issue_signer("CZ", "CZ-MOD", [EUC], valid_from=date(2024, 1, 1))
    cert = pki.store().lookup(kid).certificate
    csca = pki.store().cscas[0].certificate
    assert cert.not_valid_before_utc == csca.not_valid_before_utc
    assert cert.not_valid_after_utc <= csca.not_valid_after_utc
    assert cert.not_valid_after_utc - cert.not_valid_before_utc > timedelta(days=300)
