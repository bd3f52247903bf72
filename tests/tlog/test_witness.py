"""tlog-witness add-checkpoint: status codes of the spec, cosignatures, split views, HTTP, k of n."""

from __future__ import annotations

import base64
import threading

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from enduse.docs import note
from enduse.tlog.cosigning import Policy, WitnessConfig, cosign
from enduse.tlog.log import TileLog
from enduse.tlog.storage import DirectoryStorage
from enduse.tlog.witness import Witness
from enduse.tlog.witness_http import make_server

ORIGIN = "log.test.example/enduse"


@pytest.fixture
def log(tmp_path):
    key, vkey = note.generate_ed25519(ORIGIN)
    return TileLog.create(
        DirectoryStorage(tmp_path / "log"), note.ed25519_signer(ORIGIN, key), note.parse_vkey(vkey)
    )


def make_witness(tmp_path, log, name="witness.test.example/w1"):
    key = Ed25519PrivateKey.generate()
    w = Witness(
        note.CosignatureSigner(name, key),
        [log.verifier],
        tmp_path / f"{name.replace('/', '_')}.json",
    )
    return w, note.cosignature_vkey(name, key.public_key())


def request(log, old, proof=None):
    proof = log.consistency_proof(old) if proof is None and old else (proof or [])
    lines = [f"old {old}", *(base64.b64encode(h).decode() for h in proof)]
    return ("\n".join(lines) + "\n\n" + log.checkpoint_text).encode()


def test_cosigns_a_consistent_history_and_records_it(tmp_path, log):
    witness, vkey = make_witness(tmp_path, log)
    log.append([b"a", b"b", b"c"])
    r = witness.add_checkpoint(request(log, 0))
    assert r.status == 200 and r.body.startswith("— witness.test.example/w1 ")
    opened = note.open_note(log.checkpoint_text + r.body, [log.verifier, note.parse_vkey(vkey)])
    assert {s.name for s in opened.verified} == {ORIGIN, "witness.test.example/w1"}
    assert witness.latest(ORIGIN)[0] == 3
    log.append([b"d"] * 300)
    assert witness.add_checkpoint(request(log, 3)).status == 200
    assert witness.latest(ORIGIN)[0] == 303
    assert witness.add_checkpoint(request(log, 303)).status == 200  # same size, same root


def test_status_codes_of_the_spec(tmp_path, log):
    witness, _ = make_witness(tmp_path, log)
    log.append([b"a", b"b"])
    assert witness.add_checkpoint(request(log, 0)).status == 200
    log.append([b"c"])
    stale = witness.add_checkpoint(request(log, 0))
    assert (stale.status, stale.body, stale.content_type) == (409, "2\n", "text/x.tlog.size")
    assert witness.add_checkpoint(request(log, 5, [])).status == 400  # old > size
    bad_proof = request(log, 2, [b"\x00" * 32])
    assert witness.add_checkpoint(bad_proof).status == 422
    other_key, _ = note.generate_ed25519(ORIGIN)
    forged = log.checkpoint_text.split("\n\n")[0] + "\n\n"
    forged = note.sign(
        log.checkpoint_text.split("\n— ")[0], [note.ed25519_signer(ORIGIN, other_key)]
    )
    assert witness.add_checkpoint(("old 2\n\n" + forged).encode()).status == 403
    unknown = note.sign("other.example/log\n1\n" + base64.b64encode(b"\x00" * 32).decode() + "\n",
                        [note.ed25519_signer("other.example/log", other_key)])  # fmt: skip
    assert witness.add_checkpoint(("old 0\n\n" + unknown).encode()).status == 404
    for body in (b"", b"old 01\n\n" + log.checkpoint_text.encode(), b"old 2\n" + b"x\n" * 64 + b"\n",
                 b"old 2\nnot-base64!\n\n" + log.checkpoint_text.encode(), b"\xff\xfe", b"x" * 70000):  # fmt: skip
        assert witness.add_checkpoint(body).status == 400, body[:20]
    assert witness.latest(ORIGIN)[0] == 2  # nothing above changed the record


def test_a_split_view_is_refused(tmp_path, log):
    """Two checkpoints of the same size with different roots: the second is a fork."""
    witness, _ = make_witness(tmp_path, log)
    log.append([b"a"])
    assert witness.add_checkpoint(request(log, 0)).status == 200
    fork_root = tmp_path / "fork"
    key = log.signer
    fork = TileLog.create(DirectoryStorage(fork_root), key, log.verifier)
    fork.append([b"B"])  # same origin and key, another history
    r = witness.add_checkpoint(request(fork, 1, []))
    assert r.status == 409
    fork.append([b"C"])
    assert witness.add_checkpoint(request(fork, 1)).status == 422  # no consistency from ours


def test_concurrent_requests_never_roll_the_record_back(tmp_path, log):
    witness, _ = make_witness(tmp_path, log)
    bodies = []
    for i in range(1, 21):
        log.append([str(i).encode()])
        bodies.append((log.size, log.checkpoint_text))
    results = []

    def submit(size: int, text: str) -> None:
        old = witness.latest(ORIGIN)[0]
        proof = log.consistency_proof(old, size) if old else []
        lines = [f"old {old}", *(base64.b64encode(h).decode() for h in proof)]
        status = witness.add_checkpoint(("\n".join(lines) + "\n\n" + text).encode()).status
        results.append((size, status))

    threads = [threading.Thread(target=submit, args=b) for b in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {status for _, status in results} <= {200, 409, 400, 422}
    cosigned = [size for size, status in results if status == 200]
    assert cosigned and witness.latest(ORIGIN)[0] == max(cosigned)  # the largest one stands


def test_k_of_n_over_http(tmp_path, log):
    servers, configs = [], []
    for i in range(3):
        witness, vkey = make_witness(tmp_path, log, f"witness.test.example/w{i}")
        server = make_server(witness)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        configs.append(WitnessConfig(f"http://127.0.0.1:{server.server_address[1]}", vkey))
    try:
        log.append([b"x"] * 10)
        policy = Policy(configs, quorum=2)
        outcome = cosign(log, policy)
        assert outcome.published and len(outcome.cosigned_by) == 3
        published = log.storage.read("checkpoint").decode()
        verifiers = [log.verifier, *(note.parse_vkey(c.vkey) for c in configs)]
        assert len(note.open_note(published, verifiers).verified) == 4
        servers[0].shutdown()
        servers[1].shutdown()
        log.append([b"y"])
        outcome = cosign(log, policy)
        assert not outcome.published and len(outcome.failures) == 2
        assert log.storage.read("checkpoint").decode() == log.checkpoint_text  # not cosigned
        assert policy.sizes[configs[2].vkey] == log.size
    finally:
        for server in servers:
            server.server_close()


def test_the_client_publishes_only_what_verifies_and_never_duplicates(tmp_path, log, monkeypatch):
    import enduse.tlog.cosigning as cosigning

    witness, vkey = make_witness(tmp_path, log)
    config = WitnessConfig("http://witness.invalid", vkey)
    answers = {}

    def fake_post(url, body):
        response = witness.add_checkpoint(body)
        return response.status, answers.get("prefix", "") + response.body

    monkeypatch.setattr(cosigning, "_post", fake_post)
    log.append([b"a"])
    policy = Policy([config], quorum=1)
    for _ in range(3):  # repeated runs on the same checkpoint: one cosignature line, not three
        outcome = cosign(log, policy)
        assert outcome.published
        log = TileLog.open(log.storage, log.verifier, log.signer)  # reads the cosigned checkpoint
    assert outcome.checkpoint.count("— witness.test.example/w1 ") == 1
    answers["prefix"] = "\n"  # a response that would shift the note's blank line
    log.append([b"b"])
    outcome = cosign(log, policy)
    published = log.storage.read("checkpoint").decode()
    assert note.open_note(published, [log.verifier, note.parse_vkey(vkey)])
    assert outcome.published


def test_the_server_survives_hostile_clients(tmp_path, log):
    import socket
    import time

    import enduse.tlog.witness_http as witness_http

    witness, _ = make_witness(tmp_path, log)
    witness_http.SOCKET_TIMEOUT = 0.5
    server = make_server(witness)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:

        def raw(data: bytes) -> bytes:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                s.sendall(data)
                return s.recv(4096)

        assert raw(b"POST /add-checkpoint HTTP/1.1\r\nHost: x\r\n\r\n").startswith(b"HTTP/1.1 411")
        assert raw(b"POST /add-checkpoint HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n").startswith(
            b"HTTP/1.1 413"
        )
        assert raw(
            b"POST /add-checkpoint HTTP/1.1\r\nContent-Length: 4\r\n\r\n\xff\xfe\x00\x01"
        ).startswith(b"HTTP/1.1 400")
        stalled = socket.create_connection(("127.0.0.1", port))
        stalled.sendall(b"POST /add-checkpoint HTTP/1.1\r\nContent-Length: 100\r\n\r\nold")
        started = time.monotonic()
        assert stalled.recv(4096) == b""  # dropped after the socket timeout, not held open
        assert time.monotonic() - started < 5
        stalled.close()
        log.append([b"a"])
        assert raw(b"POST /add-checkpoint HTTP/1.1\r\nContent-Length: %d\r\n\r\n" % len(request(log, 0))
                   + request(log, 0)).startswith(b"HTTP/1.1 200")  # fmt: skip
    finally:
        server.shutdown()
        server.server_close()
        witness_http.SOCKET_TIMEOUT = 10.0
