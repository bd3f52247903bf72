"""The trust list: JSON form, signed-note form, merging, chain checks."""

from __future__ import annotations

import json

import pytest

from builders import make_pki
from enduse.docs import note
from enduse.docs.doctypes import DOC_TYPES
from enduse.docs.trust_list import TrustListError, TrustStore, from_note, to_note


def test_json_round_trip_keeps_every_entry_and_status(pki):
    kid = pki.signing_key("CZ-MOD", DOC_TYPES["EUC"]).signer.kid
    pki.revoke_signer(kid.hex())
    data = pki.store().to_json()
    again = TrustStore.from_json(json.loads(json.dumps(data)))
    assert again.to_json() == data
    assert again.lookup(kid).status == "revoked"
    assert {c.state for c in again.cscas} == {"RS", "CZ", "BG"}
    assert all(s.chain_error is None for s in again.signers.values())


def test_signed_note_round_trip_and_tampering(session_pki):
    signer_key, vkey = note.generate_ed25519("test-trust-list")
    signer = note.ed25519_signer("test-trust-list", signer_key)
    text = to_note(session_pki.store(), signer)
    store, opened = from_note(text, [note.parse_vkey(vkey)])
    assert store.to_json() == session_pki.store().to_json()
    assert [s.name for s in opened.verified] == ["test-trust-list"]

    tampered = text.replace('"status": "active"', '"status": "revoked"', 1)
    with pytest.raises(note.NoteError) as info:
        from_note(tampered, [note.parse_vkey(vkey)])
    assert info.value.reason == "invalid_signature"


def test_a_list_signed_by_an_unknown_key_is_refused_unless_the_caller_takes_it(session_pki):
    key, _ = note.generate_ed25519("someone-else")
    text = to_note(session_pki.store(), note.ed25519_signer("someone-else", key))
    _, known = note.generate_ed25519("mine")
    with pytest.raises(note.NoteError) as info:
        from_note(text, [note.parse_vkey(known)])
    assert info.value.reason == "unknown_key"
    store, opened = from_note(text, [note.parse_vkey(known)], allow_unknown_signer=True)
    assert not opened.verified and [s.name for s in opened.unverified] == ["someone-else"]
    assert len(store.signers) == len(session_pki.store().signers)


def test_merge_never_undoes_a_revocation(tmp_path):
    ours = make_pki(tmp_path / "a")
    theirs = TrustStore.from_json(ours.store().to_json())
    kid = next(iter(ours.store().signers))
    ours.revoke_signer(kid.hex())
    ours.store().merge(theirs)  # an older list, where the signer is still active
    assert ours.store().lookup(kid).status == "revoked"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="other/1"), "format"),
        (lambda d: d["signers"][0].update(certificate="not base64!"), "certificate"),
        (lambda d: d["signers"][0].update(status="maybe"), "status"),
        (lambda d: d["signers"][0].update(kid="00" * 8), "kid"),
        (lambda d: d["signers"][0].update(authority="XX-OTHER"), "authority"),
        (lambda d: d.update(signers={"not": "a list"}), "signers"),
    ],
)
def test_malformed_trust_lists_name_the_field(session_pki, change, message):
    data = json.loads(json.dumps(session_pki.store().to_json()))
    change(data)
    with pytest.raises(TrustListError, match=message):
        TrustStore.from_json(data)


def test_a_signer_without_its_csca_does_not_chain(session_pki):
    data = session_pki.store().to_json()
    data["cscas"] = [c for c in data["cscas"] if c["state"] != "CZ"]
    store = TrustStore.from_json(data)
    cz = [s for s in store.signers.values() if s.state == "CZ"]
    assert cz and all("no CSCA of state CZ" in s.chain_error for s in cz)
    assert all(s.chain_error is None for s in store.signers.values() if s.state != "CZ")


def test_a_revoked_csca_breaks_its_signers_chain(session_pki):
    data = session_pki.store().to_json()
    for c in data["cscas"]:
        if c["state"] == "BG":
            c["status"] = "revoked"
    store = TrustStore.from_json(data)
    bg = [s for s in store.signers.values() if s.state == "BG"]
    assert bg and all(s.chain_error == "its CSCA is revoked" for s in bg)


def test_merge_never_undoes_a_csca_revocation(tmp_path):
    ours = make_pki(tmp_path / "a")
    older = TrustStore.from_json(ours.store().to_json())
    data = ours.store().to_json()
    for c in data["cscas"]:
        if c["state"] == "CZ":
            c["status"] = "revoked"
    revoked = TrustStore.from_json(data)
    revoked.merge(older)  # an older list where the CZ CSCA is still active
    assert [c.status for c in revoked.cscas if c.state == "CZ"] == ["revoked"]
    cz = [s for s in revoked.signers.values() if s.state == "CZ"]
    assert cz and all(s.chain_error == "its CSCA is revoked" for s in cz)


def test_the_lists_documents_field_restricts_a_signer_without_usages(session_pki):
    from datetime import UTC, datetime

    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import ed25519
    from cryptography.x509.oid import NameOID

    from enduse.docs.pki import kid_of

    csca = next(c for c in session_pki.store().cscas if c.state == "CZ")
    ca_key = session_pki.keys.load(f"csca-CZ-{kid_of(csca.certificate).hex()}")
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CZ"),
            x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, "CZ-MOD"),
            x509.NameAttribute(NameOID.COMMON_NAME, "CZ-MOD"),
        ]
    )
    bare = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(csca.certificate.subject)
        .public_key(ed25519.Ed25519PrivateKey.generate().public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(datetime(2025, 1, 1, tzinfo=UTC))
        .not_valid_after(datetime(2027, 1, 1, tzinfo=UTC))
        .sign(ca_key, None)
    )  # no extended key usage at all
    store = TrustStore.from_json(session_pki.store().to_json())
    assert store.add_signer(bare).documents == frozenset()  # restricted by nobody: signs nothing
    assert store.add_signer(bare, documents=frozenset({"DVC"})).documents == {"DVC"}
    data = store.to_json()
    again = TrustStore.from_json(data)
    assert again.lookup(kid_of(bare)).documents == {"DVC"}
    # a certificate's own usages are narrowed by the list, never widened
    eku_signer = next(s for s in store.signers.values() if s.authority == "CZ-CUSTOMS")
    assert store.add_signer(
        eku_signer.certificate, documents=frozenset({"EUC", "DVC"})
    ).documents == {"DVC"}


def test_a_certificate_with_an_unknown_key_algorithm_is_a_trust_list_error(session_pki):
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    signer = next(iter(session_pki.store().signers.values()))
    der = signer.certificate.public_bytes(Encoding.DER)
    weird = x509.load_der_x509_certificate(
        der.replace(bytes.fromhex("06032b6570"), bytes.fromhex("06032b6563"))
    )
    with pytest.raises(TrustListError, match="unsupported key algorithm"):
        TrustStore().trust_directly(weird)
    with pytest.raises(TrustListError, match="unsupported key algorithm"):
        TrustStore.from_json(session_pki.store().to_json()).add_signer(weird)
