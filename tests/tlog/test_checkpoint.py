"""Tests for enduse.tlog.checkpoint: C2SP tlog-checkpoint text, signing and opening."""

from __future__ import annotations

import base64
import dataclasses
import re

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from enduse.docs import note
from enduse.tlog.checkpoint import (
    MAX_TREE_SIZE,
    Checkpoint,
    CheckpointError,
    open_checkpoint,
    parse_checkpoint,
    sign_checkpoint,
)

ORIGIN = "example.com/enduse-log"
ROOT = bytes(range(32))
ROOT_B64 = base64.b64encode(ROOT).decode()

# The example in C2SP tlog-checkpoint. Its signature carries sum.golang.org's key hash
# (033de0ae) under another name, so no key can verify it: only its text is used.
SPEC_EXAMPLE = (
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    "\n"
    "— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
)

# A real signed tree head of the Go checksum database, with its published key, as used by
# transparency-dev/formats log/note_test.go (TestSumDBNoteParsing).
SUMDB_VKEY = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8"
SUMDB_NOTE = (
    "go.sum database tree\n"
    "6476701\n"
    "mb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=\n"
    "\n"
    "— sum.golang.org Az3grsLX85Gz+s1SiTbgkuqxgItqFq7gsMUEyVnrsa9LM7Us9S+1xbFIGu95949rj4nPRYfvimWEPWL+o3GeoWwOoAw=\n"
)


def make_signer(name: str) -> tuple[note.Signer, note.Verifier]:
    key = Ed25519PrivateKey.generate()
    return note.ed25519_signer(name, key), note.ed25519_verifier(name, key.public_key())


@pytest.fixture(scope="module")
def log_key() -> tuple[note.Signer, note.Verifier]:
    return make_signer(ORIGIN)


def body(*lines: str) -> str:
    return "".join(f"{line}\n" for line in lines)


# --- body and parsing -----------------------------------------------------------------------


def test_body_format() -> None:
    assert Checkpoint(ORIGIN, 5, ROOT).body() == f"{ORIGIN}\n5\n{ROOT_B64}\n"
    assert Checkpoint(ORIGIN, 0, ROOT, ("ext one", "two")).body() == (
        f"{ORIGIN}\n0\n{ROOT_B64}\next one\ntwo\n"
    )


def test_parse_spec_example() -> None:
    text, signatures = note.parse(SPEC_EXAMPLE)
    cp = parse_checkpoint(text)
    assert cp == Checkpoint(
        "example.com/behind-the-sofa",
        20852163,
        base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="),
    )
    assert cp.body() == text
    assert signatures[0].key_hash == 0x033DE0AE


def test_sumdb_tree_head_verifies_but_its_key_is_not_named_as_its_origin() -> None:
    """The Go checksum database names its key sum.golang.org and its origin
    "go.sum database tree": the signature is good, but open_checkpoint requires the log's
    key to carry the origin's name, so it refuses this checkpoint."""
    verifier = note.parse_vkey(SUMDB_VKEY)
    opened = note.open_note(SUMDB_NOTE, [verifier])
    cp = parse_checkpoint(opened.text, origin="go.sum database tree")
    assert cp.size == 6476701
    assert cp.root == base64.b64decode("mb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=")
    with pytest.raises(CheckpointError, match=re.escape("not the log key's name 'sum.golang.org'")):
        open_checkpoint(SUMDB_NOTE, verifier)


def test_parse_with_extensions_and_bytes() -> None:
    text = body(ORIGIN, "18446744", ROOT_B64, "Timestamp: 1689748607742585419", "x")
    cp = parse_checkpoint(text.encode())
    assert cp.extensions == ("Timestamp: 1689748607742585419", "x")
    assert cp.body() == text


def test_parse_accepts_origins_the_spec_only_discourages() -> None:
    """Spaces and '+' in an origin are a SHOULD NOT; clients MUST NOT assume the format."""
    for origin in ("go.sum database tree", " padded ", "a+b", "ünïcode/log"):
        assert parse_checkpoint(body(origin, "1", ROOT_B64)).origin == origin


@given(
    origin=st.text(st.characters(codec="utf-8", min_codepoint=0x20), min_size=1, max_size=40),
    size=st.integers(0, MAX_TREE_SIZE),
    root=st.binary(min_size=32, max_size=32),
    extensions=st.lists(
        st.text(st.characters(codec="utf-8", min_codepoint=0x20), min_size=1, max_size=20),
        max_size=3,
    ),
)
def test_round_trip(origin: str, size: int, root: bytes, extensions: list[str]) -> None:
    cp = Checkpoint(origin, size, root, tuple(extensions))
    assert parse_checkpoint(cp.body()) == cp
    assert parse_checkpoint(cp.body(), origin=origin) == cp


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "must end with a newline"),
        (f"{ORIGIN}\n5\n{ROOT_B64}", "must end with a newline"),
        (body(ORIGIN), "missing the tree size line"),
        (body(ORIGIN, "5"), "missing the root hash line"),
        ("\n", "missing the tree size line"),
        (body("", "5", ROOT_B64), "origin line is empty"),
        (body(ORIGIN + "\r", "5", ROOT_B64), "control character"),
        (body("a\tb", "5", ROOT_B64), "control character"),
        (body(ORIGIN, "", ROOT_B64), "not an ASCII decimal number"),
        (body(ORIGIN, "12a", ROOT_B64), "not an ASCII decimal number"),
        (body(ORIGIN, "+5", ROOT_B64), "not an ASCII decimal number"),
        (body(ORIGIN, " 5", ROOT_B64), "not an ASCII decimal number"),
        (body(ORIGIN, "5 ", ROOT_B64), "not an ASCII decimal number"),
        (body(ORIGIN, "1_000", ROOT_B64), "not an ASCII decimal number"),
        (body(ORIGIN, "0x10", ROOT_B64), "not an ASCII decimal number"),
        (body(ORIGIN, "1e3", ROOT_B64), "not an ASCII decimal number"),
        (body(ORIGIN, "\u0663", ROOT_B64), "not an ASCII decimal number"),  # int() takes it
        (body(ORIGIN, "007", ROOT_B64), "leading zeros"),
        (body(ORIGIN, "00", ROOT_B64), "leading zeros"),
        (body(ORIGIN, "-1", ROOT_B64), "negative"),
        (body(ORIGIN, "-0", ROOT_B64), "negative"),
        (body(ORIGIN, str(MAX_TREE_SIZE + 1), ROOT_B64), "exceeds"),
        (body(ORIGIN, "9" * 5000, ROOT_B64), "exceeds"),
        (body(ORIGIN, "5", base64.b64encode(ROOT[:31]).decode()), "31 bytes, want 32"),
        (body(ORIGIN, "5", base64.b64encode(ROOT + b"!").decode()), "33 bytes, want 32"),
        (body(ORIGIN, "5", ""), "0 bytes, want 32"),
        (body(ORIGIN, "5", "!!!!"), "not standard base64"),
        (body(ORIGIN, "5", ROOT_B64.rstrip("=")), "not standard base64"),  # no padding
        (body(ORIGIN, "5", ROOT_B64 + " "), "not standard base64"),
        (body(ORIGIN, "5", base64.urlsafe_b64encode(b"\xff" * 32).decode()), "standard base64"),
        (body(ORIGIN, "5", ROOT_B64[:-2] + "F="), "not canonical base64"),  # padding bits set
        (body(ORIGIN, "5", ROOT_B64, ""), "extension line 1 is empty"),
        (body(ORIGIN, "5", ROOT_B64, "ok", ""), "extension line 2 is empty"),
        (body(ORIGIN, "5", ROOT_B64, "a\x00b"), "extension line 1 contains control"),
    ],
)
def test_parse_rejects(text: str, message: str) -> None:
    with pytest.raises(CheckpointError, match=message):
        parse_checkpoint(text)


def test_parse_rejects_other_origin_and_bad_utf8() -> None:
    with pytest.raises(
        CheckpointError, match=re.escape("origin 'example.com/enduse-log', want 'other'")
    ):
        parse_checkpoint(Checkpoint(ORIGIN, 1, ROOT).body(), origin="other")
    with pytest.raises(CheckpointError, match="UTF-8"):
        parse_checkpoint(b"\xff\n1\n" + ROOT_B64.encode() + b"\n")
    assert issubclass(CheckpointError, ValueError)


@pytest.mark.parametrize(
    "fields",
    [
        {"origin": ""},
        {"origin": "two\nlines"},
        {"size": -1},
        {"size": MAX_TREE_SIZE + 1},
        {"size": True},
        {"size": 1.0},
        {"root": ROOT[:31]},
        {"root": ROOT_B64},
        {"extensions": ("",)},
        {"extensions": ("a\nb",)},
        {"extensions": "abc"},
    ],
)
def test_checkpoint_validates(fields: dict[str, object]) -> None:
    values: dict[str, object] = {"origin": ORIGIN, "size": 1, "root": ROOT} | fields
    with pytest.raises(CheckpointError):
        Checkpoint(**values)  # type: ignore[arg-type]


def test_checkpoint_normalises_and_is_frozen() -> None:
    cp = Checkpoint(ORIGIN, MAX_TREE_SIZE, bytearray(ROOT), ["e"])  # type: ignore[arg-type]
    assert cp.root == ROOT and type(cp.root) is bytes
    assert cp.extensions == ("e",)
    assert hash(cp) == hash(Checkpoint(ORIGIN, MAX_TREE_SIZE, ROOT, ("e",)))
    with pytest.raises(dataclasses.FrozenInstanceError):
        cp.size = 2  # type: ignore[misc]


# --- signing and opening --------------------------------------------------------------------


def test_sign_and_open(log_key: tuple[note.Signer, note.Verifier]) -> None:
    signer, verifier = log_key
    cp = Checkpoint(ORIGIN, 42, ROOT, ("extra",))
    signed = sign_checkpoint(cp, [signer])
    assert signed.startswith(cp.body() + "\n— " + ORIGIN + " ")
    got, opened = open_checkpoint(signed, verifier)
    assert got == cp
    assert [s.key_id for s in opened.verified] == [f"{ORIGIN}+{verifier.key_hash:08x}"]
    assert opened.unverified == ()
    assert open_checkpoint(signed.encode(), verifier, origin=ORIGIN)[0] == cp


def test_open_refuses_a_checkpoint_signed_by_another_key(
    log_key: tuple[note.Signer, note.Verifier],
) -> None:
    _, verifier = log_key
    impostor, _ = make_signer(ORIGIN)  # same name, other key: other key hash
    signed = sign_checkpoint(Checkpoint(ORIGIN, 1, ROOT), [impostor])
    with pytest.raises(note.NoteError) as info:
        open_checkpoint(signed, verifier)
    assert info.value.reason == "unknown_key"


def test_open_refuses_a_forged_signature(log_key: tuple[note.Signer, note.Verifier]) -> None:
    _, verifier = log_key
    impostor, _ = make_signer(ORIGIN)
    text = Checkpoint(ORIGIN, 1, ROOT).body()
    forged = note.Signature(ORIGIN, verifier.key_hash, impostor.sign(text.encode()))
    with pytest.raises(note.NoteError) as info:
        open_checkpoint(text + "\n" + forged.line(), verifier)
    assert info.value.reason == "invalid_signature"


def test_open_refuses_a_changed_checkpoint(log_key: tuple[note.Signer, note.Verifier]) -> None:
    signer, verifier = log_key
    signed = sign_checkpoint(Checkpoint(ORIGIN, 41, ROOT), [signer])
    with pytest.raises(note.NoteError) as info:
        open_checkpoint(signed.replace("\n41\n", "\n42\n"), verifier)
    assert info.value.reason == "invalid_signature"


def test_open_requires_the_key_to_be_named_as_the_origin() -> None:
    signer, verifier = make_signer("some-other-name")
    cp = Checkpoint(ORIGIN, 1, ROOT)
    signed = note.sign(cp.body(), [signer])  # sign_checkpoint would refuse this
    with pytest.raises(CheckpointError, match="not the log key's name"):
        open_checkpoint(signed, verifier)
    with pytest.raises(CheckpointError, match="named 'some-other-name', not as the origin"):
        open_checkpoint(signed, verifier, origin=ORIGIN)


def test_open_with_the_wrong_expected_origin(log_key: tuple[note.Signer, note.Verifier]) -> None:
    signer, verifier = log_key
    signed = sign_checkpoint(Checkpoint(ORIGIN, 1, ROOT), [signer])
    with pytest.raises(CheckpointError, match=re.escape("not as the origin 'example.org/other'")):
        open_checkpoint(signed, verifier, origin="example.org/other")


def test_open_refuses_a_signed_text_that_is_no_checkpoint(
    log_key: tuple[note.Signer, note.Verifier],
) -> None:
    signer, verifier = log_key
    signed = note.sign(body(ORIGIN, "01", ROOT_B64), [signer])
    with pytest.raises(CheckpointError, match="leading zeros"):
        open_checkpoint(signed, verifier)


def test_sign_refuses_without_a_key_named_as_the_origin() -> None:
    witness, _ = make_signer("witness.example")
    with pytest.raises(CheckpointError, match="no signature by a key named as the origin"):
        sign_checkpoint(Checkpoint(ORIGIN, 1, ROOT), [witness])


def test_cosigned_checkpoint_keeps_every_signature(
    log_key: tuple[note.Signer, note.Verifier],
) -> None:
    signer, verifier = log_key
    w1, w1_verifier = make_signer("witness1.example")
    w2, _ = make_signer("witness2.example")
    cp = Checkpoint(ORIGIN, 7, ROOT)
    signed = sign_checkpoint(cp, [signer])
    _, by_log = open_checkpoint(signed, verifier)
    once = sign_checkpoint(cp, [w1], existing=by_log.verified)
    _, opened = open_checkpoint(once, verifier)
    twice = sign_checkpoint(cp, [w2], existing=(*opened.verified, *opened.unverified))

    got, opened = open_checkpoint(twice, verifier)
    assert got == cp
    assert [s.name for s in opened.verified] == [ORIGIN]
    assert [s.name for s in opened.unverified] == ["witness1.example", "witness2.example"]
    assert twice.count("\n— ") == 3
    # Each cosignature still verifies on its own against the same text.
    assert note.open_note(twice, [w1_verifier]).verified[0].name == "witness1.example"
