"""Tests for enduse.docs.note against the Go sumdb/note and C2SP signed-note vectors."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from enduse.docs.note import (
    MAX_NOTE_SIZE,
    Ed25519Signer,
    Ed25519Verifier,
    Note,
    NoteError,
    Signature,
    Verifier,
    ed25519_signer,
    ed25519_verifier,
    ed25519_vkey,
    generate_ed25519,
    key_hash,
    open_note,
    parse,
    parse_vkey,
    sign,
    signer_from_skey,
)

VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "vectors" / "note" / "note_vectors.json").read_text("utf-8")
)
POSITIVE: list[dict[str, str]] = VECTORS["positive"]
SIGNED = [v for v in POSITIVE if "skey" in v]  # the Go PeterNeumann / EnochRoot vectors
PETER, ENOCH = SIGNED

TEXT = PETER["text"]
PETER_SIG = PETER["signature_line"] + "\n"
ENOCH_SIG = ENOCH["signature_line"] + "\n"
PETER_V = parse_vkey(PETER["vkey"])
ENOCH_V = parse_vkey(ENOCH["vkey"])


def reason_of(msg: str | bytes, verifiers: list[Verifier]) -> str:
    with pytest.raises(NoteError) as info:
        open_note(msg, verifiers)
    return info.value.reason


def signature_from_line(line: str) -> Signature:
    return parse(TEXT + "\n" + line)[1][0]


# --- positive vectors ---------------------------------------------------------------------


def test_c2sp_example_note_verifies() -> None:
    vector = next(v for v in POSITIVE if "note" in v)
    note = open_note(vector["note"], [parse_vkey(vector["vkey"])])
    assert note.text == "This is an example message.\n"
    assert [s.key_id for s in note.verified] == ["example.com/foo+530d903a"]
    assert note.unverified == ()


@pytest.mark.parametrize("vector", SIGNED, ids=lambda v: v["vkey"].split("+")[0])
def test_signing_go_texts_reproduces_go_signature_lines(vector: dict[str, str]) -> None:
    signer = signer_from_skey(vector["skey"])
    msg = sign(vector["text"], [signer])
    assert msg == vector["text"] + "\n" + vector["signature_line"] + "\n"
    verifier = parse_vkey(vector["vkey"])
    assert (signer.name, signer.key_hash) == (verifier.name, verifier.key_hash)
    note = open_note(msg, [verifier])
    assert note.text == vector["text"]
    assert note.verified[0].line() == vector["signature_line"] + "\n"


@pytest.mark.parametrize("vector", SIGNED, ids=lambda v: v["vkey"].split("+")[0])
def test_vkey_derived_from_skey_matches_go(vector: dict[str, str]) -> None:
    signer = signer_from_skey(vector["skey"])
    assert isinstance(signer, Ed25519Signer)
    assert signer.vkey == vector["vkey"]


def test_ed25519_vkey_from_public_key_matches_go() -> None:
    public = Ed25519PrivateKey.from_private_bytes(bytes(32)).public_key()  # EnochRoot's seed
    assert ed25519_vkey("EnochRoot", public) == ENOCH["vkey"]
    verifier = ed25519_verifier("EnochRoot", public)
    assert (verifier.name, verifier.key_hash) == ("EnochRoot", 0xAF0CFE78)


def test_sum_golang_org_vkey_decodes_despite_plus_in_base64() -> None:
    vector = next(v for v in POSITIVE if "expect_public_key_hex" in v)
    verifier = parse_vkey(vector["vkey"])
    assert isinstance(verifier, Ed25519Verifier)
    assert verifier.name == "sum.golang.org"
    assert verifier.key_hash == 0x033DE0AE
    assert verifier.public_key.public_bytes_raw().hex() == vector["expect_public_key_hex"]


def test_key_hash_is_first_four_sha256_bytes_big_endian() -> None:
    assert isinstance(PETER_V, Ed25519Verifier)
    public = PETER_V.public_key.public_bytes_raw()
    assert key_hash("PeterNeumann", b"\x01" + public) == 0xC74F20A3
    assert key_hash("PeterNeumann", b"\x04" + public) != 0xC74F20A3  # type byte is hashed


# --- negative vkeys and skeys ---------------------------------------------------------------


@pytest.mark.parametrize(
    "vector", [v for v in VECTORS["negative_vkeys"] if "vkey" in v], ids=lambda v: v["why"]
)
def test_negative_vkeys_rejected(vector: dict[str, str]) -> None:
    with pytest.raises(NoteError) as info:
        parse_vkey(vector["vkey"])
    assert info.value.reason == "bad_key"


def manglings(key: str) -> list[str]:
    """Go's rule: every proper substring (so every prefix) and every one-byte increment."""
    b = key.encode("ascii")
    subs = [b[i:j] for i in range(len(b) + 1) for j in range(i + 1, len(b) + 1)]
    subs.remove(b)
    bumps = [b[:i] + bytes([b[i] + 1]) + b[i + 1 :] for i in range(len(b))]
    return [m.decode("ascii") for m in subs + bumps]


@pytest.mark.parametrize("vkey", [v["vkey"] for v in POSITIVE], ids=lambda k: k.split("+")[0])
def test_every_vkey_substring_and_increment_rejected(vkey: str) -> None:
    parse_vkey(vkey)
    accepted = []
    for bad in manglings(vkey):
        try:
            parse_vkey(bad)
            accepted.append(bad)
        except NoteError as e:
            assert e.reason == "bad_key"
    assert accepted == []


def test_every_skey_substring_and_increment_rejected() -> None:
    accepted = []
    for bad in manglings(PETER["skey"]):
        try:
            signer_from_skey(bad)
            accepted.append(bad)
        except NoteError as e:
            assert e.reason == "bad_key"
    assert accepted == []


def test_vkey_wrong_length_and_unknown_type_with_correct_hash() -> None:
    for key in (b"\x01" + bytes(31), b"\x01" + bytes(33), b"\x7f" + bytes(32)):
        vkey = f"n+{key_hash('n', key):08x}+{base64.b64encode(key).decode()}"
        with pytest.raises(NoteError, match="n\\+") as info:
            parse_vkey(vkey)
        assert info.value.reason == "bad_key"


def test_private_key_material_never_in_errors_or_repr() -> None:
    skey = PETER["skey"]
    secret = skey.split("+", 4)[4]
    signer = signer_from_skey(skey)
    assert secret not in repr(signer) and repr(signer) == "Ed25519Signer(PeterNeumann+c74f20a3)"
    mangled = skey[:-2] + "AA"  # right shape, wrong hash for this seed
    for bad in (mangled, skey.replace("PRIVATE", "PUBLIC"), skey[:-1]):
        with pytest.raises(NoteError) as info:
            signer_from_skey(bad)
        assert bad.split("+", 4)[-1] not in str(info.value)
    with pytest.raises(NoteError) as info:
        parse_vkey(skey)  # an skey passed by mistake is not echoed either
    assert secret not in str(info.value)


# --- negative notes: one test per item of "negative_notes" ----------------------------------


def test_negative_notes_list_is_covered() -> None:
    assert len(VECTORS["negative_notes"]) == 9  # one test below per item


def test_text_without_blank_line_is_malformed() -> None:
    for msg in (TEXT + PETER_SIG, TEXT, TEXT + "\n"):
        assert reason_of(msg, [PETER_V]) == "malformed"


def test_signature_line_without_final_newline_is_malformed() -> None:
    assert reason_of(TEXT + "\n" + PETER_SIG[:-1], [PETER_V]) == "malformed"


@pytest.mark.parametrize("prefix", [b"\x01", b"\xff"])
def test_text_starting_with_control_or_non_utf8_byte_is_malformed(prefix: bytes) -> None:
    msg = prefix + (TEXT + "\n" + PETER_SIG).encode()
    assert reason_of(msg, [PETER_V]) == "malformed"


def test_signer_name_with_space_is_malformed() -> None:
    bad = "— Bad Name " + PETER_SIG.split(" ", 2)[2]
    assert reason_of(TEXT + "\n" + bad, [PETER_V]) == "malformed"


def test_non_signature_line_after_block_is_malformed() -> None:
    assert reason_of(TEXT + "\n" + PETER_SIG + "Unexpected line.\n", [PETER_V]) == "malformed"


def test_more_than_100_signatures_is_malformed() -> None:
    assert reason_of(TEXT + "\n" + PETER_SIG * 101, [PETER_V]) == "malformed"
    assert reason_of(TEXT + "\n" + PETER_SIG * 101, []) == "malformed"
    assert len(open_note(TEXT + "\n" + PETER_SIG * 100, [PETER_V]).verified) == 1


def test_altered_signature_is_invalid_for_that_key() -> None:
    altered = PETER_SIG[:60] + "ABCD" + PETER_SIG[60:]
    with pytest.raises(NoteError, match="PeterNeumann\\+c74f20a3") as info:
        open_note(TEXT + "\n" + altered, [PETER_V])
    assert info.value.reason == "invalid_signature"
    # Even when another known key verifies, a failing known key rejects the note.
    assert reason_of(TEXT + "\n" + ENOCH_SIG + altered, [PETER_V, ENOCH_V]) == "invalid_signature"


def test_two_verifiers_with_same_name_and_hash_are_ambiguous() -> None:
    with pytest.raises(NoteError, match="EnochRoot\\+af0cfe78") as info:
        open_note(TEXT + "\n" + ENOCH_SIG, [ENOCH_V, PETER_V, ENOCH_V])
    assert info.value.reason == "ambiguous_key"
    # As in Go, an ambiguous pair no signature refers to is not an error.
    assert open_note(TEXT + "\n" + PETER_SIG, [ENOCH_V, PETER_V, ENOCH_V]).verified


def test_unknown_key_signatures_kept_but_never_enough() -> None:
    note = open_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, [PETER_V])
    assert note == Note(TEXT, (signature_from_line(PETER_SIG),), (signature_from_line(ENOCH_SIG),))
    with pytest.raises(NoteError) as info:
        open_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, [])
    assert info.value.reason == "unknown_key"
    assert "PeterNeumann+c74f20a3" in str(info.value) and "EnochRoot+af0cfe78" in str(info.value)
    # Same name, other hash (and other name, same hash) is a different, unknown key.
    other_hash = ed25519_verifier("PeterNeumann", Ed25519PrivateKey.generate().public_key())
    assert reason_of(TEXT + "\n" + PETER_SIG, [other_hash]) == "unknown_key"
    renamed = PETER_SIG.replace("PeterNeumann", "CarmenSandiego")
    assert reason_of(TEXT + "\n" + renamed, [PETER_V]) == "unknown_key"


# --- other behaviour ------------------------------------------------------------------------


def test_both_known_keys_verify_in_order() -> None:
    note = open_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, [ENOCH_V, PETER_V])
    assert [s.line() for s in note.verified] == [PETER_SIG, ENOCH_SIG]
    assert note.unverified == ()


def test_repeated_signatures_are_dropped_as_in_go() -> None:
    enoch_abcd = ENOCH_SIG[:60] + "ABCD" + ENOCH_SIG[60:]
    msg = TEXT + "\n" + PETER_SIG + PETER_SIG + ENOCH_SIG + ENOCH_SIG + enoch_abcd
    note = open_note(msg, [PETER_V])
    assert [s.line() for s in note.verified] == [PETER_SIG]
    assert [s.line() for s in note.unverified] == [ENOCH_SIG, enoch_abcd]


def test_last_blank_line_splits_text_from_signatures() -> None:
    text = "first\n\nsecond\n\n"
    signer = signer_from_skey(PETER["skey"])
    note = open_note(sign(text, [signer]), [PETER_V])
    assert note.text == text


def test_input_larger_than_cap_is_malformed_for_str_and_bytes() -> None:
    big = "x" * MAX_NOTE_SIZE + "\n\n" + PETER_SIG
    assert reason_of(big, [PETER_V]) == "malformed"
    assert reason_of(big.encode(), [PETER_V]) == "malformed"
    # The cap is on UTF-8 bytes: fewer characters than the cap can still exceed it.
    wide = "é" * (MAX_NOTE_SIZE // 2) + "\n\n" + PETER_SIG
    assert len(wide) < MAX_NOTE_SIZE
    assert reason_of(wide, [PETER_V]) == "malformed"


def test_non_canonical_base64_signature_is_malformed() -> None:
    # The last base64 character before '=' carries two unused bits; flipping them is rejected.
    assert PETER_SIG.endswith("M=\n")
    assert reason_of(TEXT + "\n" + PETER_SIG[:-3] + "N=\n", [PETER_V]) == "malformed"


def test_parse_checks_structure_only() -> None:
    text, sigs = parse((TEXT + "\n" + PETER_SIG + ENOCH_SIG).encode())
    assert text == TEXT
    assert [(s.name, s.key_hash) for s in sigs] == [
        ("PeterNeumann", 0xC74F20A3),
        ("EnochRoot", 0xAF0CFE78),
    ]
    assert [s.line() for s in sigs] == [PETER_SIG, ENOCH_SIG]
    assert len(sigs[0].signature) == 64


def test_round_trip_with_generated_key() -> None:
    private_key, vkey = generate_ed25519("example.org/trust-list")
    text = "line one\nline two — with UTF-8 ✓\n"
    msg = sign(text, [ed25519_signer("example.org/trust-list", private_key)])
    note = open_note(msg, [parse_vkey(vkey)])
    assert note.text == text
    assert note.verified[0].key_id == "+".join(vkey.split("+", 2)[:2])  # base64 may hold "+"
    assert reason_of(msg.replace("line one", "line 0ne"), [parse_vkey(vkey)]) == "invalid_signature"


def test_cosigning_reproduces_go_doubly_signed_message() -> None:
    peter, enoch = signer_from_skey(PETER["skey"]), signer_from_skey(ENOCH["skey"])
    first = open_note(sign(TEXT, [peter]), [PETER_V])
    both = sign(first.text, [enoch], existing=first.verified + first.unverified)
    assert both == TEXT + "\n" + PETER_SIG + ENOCH_SIG
    note = open_note(both, [PETER_V, ENOCH_V])
    assert [s.key_id for s in note.verified] == ["PeterNeumann+c74f20a3", "EnochRoot+af0cfe78"]


def test_resigning_replaces_existing_signature_with_same_key() -> None:
    peter = signer_from_skey(PETER["skey"])
    stale = Signature("PeterNeumann", 0xC74F20A3, b"BADSIGN")
    assert sign(TEXT, [peter], existing=[stale]) == TEXT + "\n" + PETER_SIG
    assert sign(TEXT, [peter, peter]) == TEXT + "\n" + PETER_SIG


def test_sign_rejects_bad_text_and_signers() -> None:
    peter = signer_from_skey(PETER["skey"])
    for text in ("no newline", "ctrl \x01\n", ""):
        with pytest.raises(NoteError) as info:
            sign(text, [peter])
        assert info.value.reason == "malformed"
    with pytest.raises(NoteError) as info:
        sign(TEXT, [])
    assert info.value.reason == "malformed"
    with pytest.raises(NoteError) as info:
        ed25519_signer("bad name", Ed25519PrivateKey.generate())
    assert info.value.reason == "bad_key"
    with pytest.raises(NoteError):
        Signature("a+b", 1, b"x")


def test_open_note_accepts_any_verifier_implementation() -> None:
    class EchoVerifier:  # stands in for a future key type, e.g. tlog-cosignature 0x04
        name = "witness.example"
        key_hash = 0x01020304

        def verify(self, msg: bytes, sig: bytes) -> bool:
            return sig == msg[::-1]

    line = Signature("witness.example", 0x01020304, TEXT.encode()[::-1]).line()
    note = open_note(TEXT + "\n" + line, [EchoVerifier()])
    assert note.verified[0].name == "witness.example"


# --- robustness -----------------------------------------------------------------------------

GOOD = (TEXT + "\n" + PETER_SIG + ENOCH_SIG).encode()


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, len(GOOD) - 1), st.integers(0, 255), st.sampled_from("rid")),
        min_size=1,
        max_size=6,
    )
)
def test_mutated_note_raises_only_note_error(edits: list[tuple[int, int, str]]) -> None:
    msg = bytearray(GOOD)
    for pos, byte, op in edits:
        pos = min(pos, len(msg) - 1) if msg else 0
        if op == "r" and msg:
            msg[pos] = byte
        elif op == "i":
            msg.insert(pos, byte)
        elif msg:
            del msg[pos]
    try:
        note = open_note(bytes(msg), [PETER_V, ENOCH_V])
    except NoteError as e:
        assert e.reason in {"malformed", "invalid_signature", "unknown_key"}
        return
    # Anything accepted must carry the original text, signed by an original signature.
    assert note.text == TEXT
    assert {s.line() for s in note.verified} <= {PETER_SIG, ENOCH_SIG}


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=90))
def test_arbitrary_vkey_text_raises_only_note_error(vkey: str) -> None:
    try:
        parse_vkey(vkey)
    except NoteError as e:
        assert e.reason == "bad_key"
