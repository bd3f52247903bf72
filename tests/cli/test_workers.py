"""`enduse serve --workers N`: worker processes, each with its own SO_REUSEPORT socket, under a
supervisor that restarts a dead one and stops them all on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from enduse.cli.workers import reuse_port_available, supervise

pytestmark = pytest.mark.skipif(not reuse_port_available(), reason="no SO_REUSEPORT here")

HERE = Path(__file__).parent
SUPERVISOR = """
import sys
from enduse.cli.workers import supervise
port = int(sys.argv[1])
say = lambda message: print(message, flush=True)
sys.exit(supervise("127.0.0.1", port, 2, "workers_app:build_app", {"log_level": "warning"}, say))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answer(port: int, timeout: float = 2.0) -> int:
    """One request on a fresh connection; the pid of the worker that answered."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=timeout) as r:
        assert r.status == 200
        return int(r.read())


def wait_until(condition, seconds: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while True:
        try:
            value = condition()
        except OSError:
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"not within {seconds} s: {what}")
        time.sleep(0.05)


def workers_of(pid: int) -> set[int]:
    """The supervisor's worker processes (not multiprocessing's resource tracker)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid and fields[0] != "Z" and b"spawn_main" in cmdline:
            found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return state[state.rindex(")") + 2] != "Z"


@pytest.fixture
def supervisor(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], int]]:
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
    }
    process = subprocess.Popen(
        [sys.executable, "-c", SUPERVISOR, str(port)], env=env, cwd=tmp_path,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        yield process, port
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)  # its own session: the workers go too
            process.wait()


def test_workers_share_the_port_are_restarted_and_stop_on_sigterm(supervisor) -> None:
    process, port = supervisor
    wait_until(lambda: answer(port, 0.5), 20, "the port answers")
    workers = wait_until(lambda: len(workers_of(process.pid)) == 2 and workers_of(process.pid),
                         20, "two worker processes")  # fmt: skip
    wait_until(lambda: {answer(port) for _ in range(10)} == workers, 20, "both workers listen")
    served = [answer(port) for _ in range(40)]  # each on a fresh connection, all 200
    assert set(served) == workers  # the kernel spreads new connections over both sockets

    victim = min(workers)
    os.kill(victim, signal.SIGKILL)
    restarted = wait_until(
        lambda: (now := workers_of(process.pid)) and len(now) == 2 and victim not in now and now,
        15, "a new worker in place of the killed one",
    )  # fmt: skip
    (new,) = restarted - workers
    wait_until(lambda: new in {answer(port) for _ in range(10)}, 15, "the new worker answers")
    assert all(isinstance(answer(port), int) for _ in range(10))

    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=15)
    assert process.returncode == 0, output
    assert f"worker {victim} exited with -9; restarting it" in output
    assert not any(alive(pid) for pid in restarted | workers)
    with pytest.raises(OSError):
        answer(port, 0.5)


def test_a_port_taken_by_another_socket_is_refused_at_once() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        said: list[str] = []
        started = time.monotonic()
        with pytest.raises(OSError):
            supervise("127.0.0.1", port, 2, "workers_app:build_app", {}, said.append)
        assert time.monotonic() - started < 2 and said == []
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # no handler left behind


def test_serve_with_workers_on_a_taken_port_exits_with_an_error(run) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = run("serve", "--port", str(port), "--workers", "2")
    assert r.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in r.output
