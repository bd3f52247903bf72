"""`enduse log ...`: the command-line contract of the transparency log."""

from __future__ import annotations

from pathlib import Path


def test_the_log_from_the_command_line(run, home, tmp_path):
    vkey = run("log", "init", "--origin", "log.test.example/enduse").stdout.strip()
    assert vkey.startswith("log.test.example/enduse+")
    assert run("log", "init", "--origin", "again").exit_code == 1

    r = run("log", "append", input="first\nsecond\nthird\n")
    assert r.exit_code == 0 and r.stdout.split() == ["0", "1", "2"]
    old = tmp_path / "old.checkpoint"
    old.write_text(run("log", "checkpoint").stdout)
    files = []
    for i in range(3):
        f = tmp_path / f"doc{i}"
        f.write_bytes(f"document {i}".encode())
        files.append(str(f))
    assert run("log", "append", *files).stdout.split() == ["3", "4", "5"]

    proof = tmp_path / "p.tlog-proof"
    proof.write_text(run("log", "prove", "--index", "4").stdout)
    assert proof.read_text().startswith("c2sp.org/tlog-proof@v1\nindex 4\n")
    ok = run("log", "verify-proof", str(proof), "--vkey", vkey, "--entry", files[1])
    assert ok.exit_code == 0 and ok.stdout.startswith("valid")
    wrong = run("log", "verify-proof", str(proof), "--vkey", vkey, "--entry", files[0])
    assert wrong.exit_code == 1 and wrong.stdout.startswith("invalid")

    older = tmp_path / "older.tlog-proof"
    older.write_text(run("log", "prove", "--index", "1", "--size", "3").stdout)
    second = tmp_path / "second"
    second.write_bytes(b"second")
    assert (
        run("log", "verify-proof", str(older), "--vkey", vkey, "--entry", str(second)).exit_code
        == 0
    )

    c = run("log", "consistency", "--old", str(old))
    assert c.exit_code == 0 and c.stdout.startswith("consistency 3 6\n")

    d = run("log", "verify-dir", str(home / "log"), "--vkey", vkey)
    assert d.exit_code == 0 and d.stdout.startswith("valid  size 6 root ")


def test_verify_dir_names_what_failed(run, home):
    vkey = run("log", "init", "--origin", "log.test.example/enduse").stdout.strip()
    run("log", "append", input="".join(f"line {i}\n" for i in range(300)))
    tile = home / "log" / "tile" / "0" / "000"
    data = bytearray(tile.read_bytes())
    data[5 * 32] ^= 0xFF
    tile.write_bytes(bytes(data))
    r = run("log", "verify-dir", str(home / "log"), "--vkey", vkey)
    assert r.exit_code == 1
    assert "tile/0/000: hash 5 (index 5 at level 0)" in r.stdout


def test_bad_proofs_and_keys_are_clear_errors(run, tmp_path):
    vkey = run("log", "init", "--origin", "log.test.example/enduse").stdout.strip()
    run("log", "append", input="a\n")
    proof = tmp_path / "p"
    text = run("log", "prove", "--index", "0").stdout
    for broken in (
        text.replace("c2sp.org/tlog-proof@v1", "c2sp.org/tlog-proof@v2"),
        text.replace("index 0", "index 00"),
        text.replace("\n\n", "\n", 1),
        "garbage",
    ):
        proof.write_text(broken)
        r = run("log", "verify-proof", str(proof), "--vkey", vkey)
        assert r.exit_code == 1 and r.stdout.startswith("invalid"), broken
    proof.write_text(text)
    assert run("log", "verify-proof", str(proof), "--vkey", "not a key").exit_code == 1
    assert run("log", "verify-proof", str(Path("/nonexistent")), "--vkey", vkey).exit_code == 2
    assert run("log", "prove", "--index", "5").exit_code == 1


def test_the_log_in_a_database(run, home, tmp_path):
    db = {"ENDUSE_DATABASE_URL": f"sqlite:///{tmp_path / 'enduse.db'}"}
    vkey = run("log", "init", "--origin", "log.test.example/db", env=db).stdout.strip()
    assert run("log", "append", input="a\nb\nc\n", env=db).stdout.split() == ["0", "1", "2"]
    proof = tmp_path / "p"
    proof.write_text(run("log", "prove", "--index", "2", env=db).stdout)
    entry = tmp_path / "c"
    entry.write_bytes(b"c")
    assert (
        run("log", "verify-proof", str(proof), "--vkey", vkey, "--entry", str(entry)).exit_code == 0
    )
    assert not (home / "log").exists()  # nothing written as files
