"""Worker processes for `enduse serve --workers N`, each listening on its own socket.

uvicorn's workers share one listening socket, and whichever wakes first accepts: under a
burst of connections one worker takes most of them and its queue sets the tail latency
(p99 130 ms against p50 30 ms on two cores). With SO_REUSEPORT each worker has its own
socket and the kernel spreads new connections across them evenly. The parent binds the
address first without listening, so a port already taken is reported at once and no
other program can take it while the workers start; the parent never accepts.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import socket
import time
from collections.abc import Callable
from multiprocessing.process import BaseProcess
from typing import Any

RESTART_PAUSE_S = 1.0  # a worker that dies at once is not restarted in a tight loop
STOP_GRACE_S = 10.0  # open requests finish; then the worker is killed


def reuse_port_available() -> bool:
    return hasattr(socket, "SO_REUSEPORT")


def bind_socket(host: str, port: int, *, listen: bool) -> socket.socket:
    """A TCP socket on host:port that other sockets of this user may share (SO_REUSEPORT)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        if listen:
            sock.listen(2048)
    except OSError:
        sock.close()
        raise
    return sock


def _run_worker(host: str, port: int, app: str, options: dict[str, Any]) -> None:
    import uvicorn

    sock = bind_socket(host, port, listen=True)
    config = uvicorn.Config(app, factory=True, **options)
    uvicorn.Server(config).run(sockets=[sock])


def supervise(
    host: str, port: int, workers: int, app: str, options: dict[str, Any],
    say: Callable[[str], None],
) -> int:  # fmt: skip
    """Run `workers` processes until SIGINT or SIGTERM; restart one that dies."""
    held = bind_socket(host, port, listen=False)  # raises OSError when the port is taken
    spawn = multiprocessing.get_context("spawn")
    stopping = False

    def start() -> BaseProcess:
        process = spawn.Process(
            target=_run_worker, args=(host, port, app, options), name="enduse-worker"
        )
        process.start()
        return process

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    running = [start() for _ in range(workers)]
    try:
        while not stopping:
            time.sleep(0.2)
            for i, process in enumerate(running):
                if not process.is_alive() and not stopping:
                    say(f"worker {process.pid} exited with {process.exitcode}; restarting it")
                    time.sleep(RESTART_PAUSE_S)
                    running[i] = start()
    finally:
        for process in running:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes open requests
        deadline = time.monotonic() + STOP_GRACE_S
        for process in running:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
        held.close()
        for s, handler in previous.items():
            with contextlib.suppress(ValueError, TypeError):
                signal.signal(s, handler)
    return 0
