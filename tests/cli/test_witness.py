"""`enduse witness init/serve` and the log's `witness-add` / `cosign`, across two installations."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

from enduse.docs import note


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_witness_in_another_installation_cosigns(run, tmp_path):
    log_vkey = run("log", "init", "--origin", "log.test.example/enduse").stdout.strip()
    run("log", "append", input="a\nb\n")
    witness_home = {"ENDUSE_HOME": str(tmp_path / "witness")}
    witness_vkey = run(
        "witness", "init", "--name", "witness.test.example/w1", env=witness_home
    ).stdout.strip()
    assert note.parse_vkey(witness_vkey).name == "witness.test.example/w1"
    assert run("witness", "init", "--name", "again", env=witness_home).exit_code == 1

    port = free_port()
    exe = Path(sys.executable).with_name("enduse")
    server = subprocess.Popen(
        [exe, "witness", "serve", "--log-vkey", log_vkey, "--port", str(port)],
        env={**witness_home, "PATH": "/usr/bin:/bin"}, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert "add-checkpoint" in server.stderr.readline()
        url = f"http://127.0.0.1:{port}"
        assert run("log", "witness-add", "--url", url, "--vkey", witness_vkey).exit_code == 0
        r = run("log", "cosign")
        assert r.exit_code == 0, r.stderr
        published = run("log", "checkpoint").stdout
        opened = note.open_note(
            published, [note.parse_vkey(log_vkey), note.parse_vkey(witness_vkey)]
        )
        assert {s.name for s in opened.verified} == {
            "log.test.example/enduse",
            "witness.test.example/w1",
        }
        run("log", "append", input="c\n")
        assert run("log", "cosign").exit_code == 0  # from the size it cosigned before, with a proof
    finally:
        server.terminate()
        server.wait(timeout=5)
    time.sleep(0.1)
    r = run("log", "cosign")  # the witness is gone: no quorum, nothing published
    assert r.exit_code == 1 and "not published: 0 of 1" in r.stdout
