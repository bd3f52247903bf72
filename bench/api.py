"""The API under load: `POST /api/v1/verify` from another process, on loopback.

A throwaway ENDUSE_HOME is set up by `enduse demo` (PKI, registry, log, users);
the EUC the demo registered from its signed form is verified (now), so the
whole route runs: offline verification, then the online checks (registered,
this very document logged, its inclusion proof, used up or not). `enduse serve
--workers 2` runs as its own process group; wrk (`-t2 -c64 -d20s --latency`,
the body posted by bench/api_load.lua) loads it after a 3 s warm-up, from
another process on the same machine (it shares the 2 cores). A sample answer
must say "valid" before and after the load. Figures: requests/s, p50 and p99
(wrk's HdrHistogram), socket errors, non-2xx responses, the server's CPU per
request, and the cores that other work on the machine took meanwhile (a busy
machine lowers every figure). Target with 2 workers on a 2-core machine:
>= 1,500 verifications/s and p99 < 50 ms.

Baseline: `enduse.docs.verify.verify` of the same payload in this process,
on one core, with no HTTP: per-call times in blocks of 500, five blocks
before the load and five after, rate = 1 / the best block's median (the
machine is shared: a burst of other work lands in a few blocks); ratio =
baseline rate x workers / HTTP requests/s: what the HTTP layer and the
route's online checks cost on top of the verification itself.

The same load runs twice: as served (each worker remembers the verifications it answered,
which a repeated document hits), and with `ENDUSE_VERIFY_MEMO=0` (every request opens the
payload, checks the signature, queries the registry and proves the log entry), reported
under `without_memo`.

`--duration`, `--connections` and `--workers` for other runs.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from enduse.docs.local_pki import LocalPki
from enduse.docs.signing import sign_euc
from enduse.docs.verify import verify
from enduse.domain.bundle import load_bundle_text
from enduse.registry import models as m
from enduse.registry.db import make_engine, registry_url
from enduse.scenarios import scenario_text

HERE = Path(__file__).resolve().parent
LUA = HERE / "api_load.lua"
EUC = "CZ-MOD-2025-0042"
AT = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)  # inside the scenario EUCs' validity
WORKERS = 2
CONNECTIONS = 64
THREADS = 2
DURATION_S = 20
WARMUP_S = 3
TARGET_RPS = 1500
TARGET_P99_MS = 50
BASELINE_BLOCKS = 5  # before the load, and as many after
BASELINE_CALLS_PER_BLOCK = 500
MARKER = "ENDUSE_BENCH_JSON "
# Variables that would point the server away from the throwaway home.
FOREIGN_ENV = ("ENDUSE_DATABASE_URL", "ENDUSE_KEY_PASSPHRASE")


def say(message: str) -> None:
    print(f"[api bench] {message}", file=sys.stderr, flush=True)


def enduse_command() -> str:
    """The `enduse` script of this interpreter's environment."""
    script = Path(sys.executable).parent / "enduse"
    found = str(script) if script.exists() else shutil.which("enduse")
    if not found:
        sys.exit("api bench: no `enduse` command next to this Python: run `make bench`")
    return found


def wrk_command() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit("api bench: wrk is not installed: `apt-get install -y wrk` (as root) first")
    say("installing wrk (apt-get install -y wrk)")
    subprocess.run(
        ["apt-get", "install", "-y", "wrk"], check=True, stdout=sys.stderr, stderr=sys.stderr
    )
    found = shutil.which("wrk")
    if not found:
        sys.exit("api bench: `apt-get install -y wrk` did not give a wrk command")
    return found


def server_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in FOREIGN_ENV}
    env["ENDUSE_HOME"] = str(home)
    return env


def prepare_home(home: Path) -> tuple[str, datetime, str]:
    """`enduse demo` in `home` (PKI, registry, log); the payload to verify, its time, and what it is.

    The demo registers an EUC from its signed form and logs it: verifying that one runs the
    whole route (registered, this very document logged, an inclusion proof). Should the demo
    stop doing so, an EUC of the scenario is signed here (registered, but not this document)."""
    done = subprocess.run(
        [enduse_command(), "demo"], env=server_env(home), capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.exit(f"api bench: `enduse demo` failed:\n{done.stderr[-2000:]}")
    engine = make_engine(registry_url(home, None))
    with engine.connect() as connection:
        row = connection.execute(
            select(m.EucRow.euc_number, m.EucRow.signed)
            .where(m.EucRow.signed.is_not(None))
            .order_by(m.EucRow.pk.desc())
        ).first()
    engine.dispose()
    if row is not None:
        return row.signed, datetime.now(UTC), f"EUC {row.euc_number} as the demo registered it"
    bundle = load_bundle_text(scenario_text()).bundle
    return sign_euc(bundle, EUC, LocalPki(home)), AT, f"EUC {EUC} signed here"


def baseline_blocks(payload: str, at: datetime, home: Path, blocks: int) -> list[float]:
    """Median seconds of `verify` alone in this process (one core), per block of calls."""
    store = LocalPki(home).store()
    assert verify(payload, store, at=at).valid
    clock = time.perf_counter
    medians = []
    for _ in range(blocks):
        times: list[float] = []
        for _ in range(BASELINE_CALLS_PER_BLOCK):
            start = clock()
            verify(payload, store, at=at)
            times.append(clock() - start)
        medians.append(statistics.median(times))
    return medians


def baseline_figures(medians: list[float]) -> dict[str, Any]:
    best = min(medians)
    return {
        "what": "enduse.docs.verify.verify of the same payload in this process, one core, no "
        "HTTP; rate = 1 / the best block's median call time (blocks before and after the "
        "load: the machine is shared)",
        "verifications_per_s": round(1 / best),
        "median_us": round(best * 1e6, 1),
        "median_us_all_blocks": round(statistics.median(medians) * 1e6, 1),
        "calls": len(medians) * BASELINE_CALLS_PER_BLOCK,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(url: str, body: bytes, timeout: float = 5) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def start_server(home: Path, port: int, workers: int, memo: bool) -> subprocess.Popen[bytes]:
    command = [enduse_command(), "serve", "--port", str(port), "--workers", str(workers)]
    env = server_env(home)
    if not memo:
        env["ENDUSE_VERIFY_MEMO"] = "0"
    say(f"starting {' '.join(command[1:])}" + ("" if memo else " with ENDUSE_VERIFY_MEMO=0"))
    return subprocess.Popen(
        command, env=env, start_new_session=True, stdout=sys.stderr, stderr=sys.stderr
    )


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's process group (uvicorn's supervisor stops and joins its workers),
    SIGKILL to the group if it is not gone in 10 s."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        say("the server did not stop in 10 s: SIGKILL")
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)  # workers left behind, if any
    server.wait()


def wait_ready(server: subprocess.Popen[bytes], url: str, body: bytes) -> dict[str, Any]:
    """Poll until the server answers; the answer must be a valid verification."""
    deadline = time.monotonic() + 60
    while True:
        if server.poll() is not None:
            sys.exit(f"api bench: `enduse serve` exited with {server.returncode}")
        try:
            status, answer = post(url, body, timeout=2)
            break
        except (OSError, ValueError):
            if time.monotonic() > deadline:
                sys.exit("api bench: the server did not answer within 60 s (its errors are above)")
            time.sleep(0.2)
    check_valid(status, answer)
    return answer


def check_valid(status: int, answer: dict[str, Any]) -> None:
    if status != 200 or answer.get("result") != "valid":
        sys.exit(f"api bench: a sample verification is not valid: {status} {answer}")


def group_cpu_s(pgid: int) -> float:
    """CPU seconds (user + system) used so far by the live processes of a process group."""
    ticks = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields[2] is the process group; 11, 12: utime, stime
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_busy_s() -> float:
    """CPU seconds the whole machine spent busy since boot (all cores, /proc/stat)."""
    with open("/proc/stat") as f:
        ticks = [int(v) for v in f.readline().split()[1:]]
    return (sum(ticks[:8]) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # less idle, iowait


def children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_wrk(url: str, body_file: Path, connections: int, seconds: int) -> dict[str, Any]:
    command = [
        wrk_command(), f"-t{THREADS}", f"-c{connections}", f"-d{seconds}s", "--latency",
        "-s", str(LUA), url,
    ]  # fmt: skip
    env = dict(os.environ, ENDUSE_BENCH_BODY=str(body_file))
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"api bench: wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    lines = [line for line in done.stdout.splitlines() if line.startswith(MARKER)]
    if not lines:
        sys.exit(f"api bench: no figures from wrk:\n{done.stdout}\n{done.stderr}")
    say("wrk: " + " | ".join(line.strip() for line in done.stdout.splitlines()[:12]))
    return json.loads(lines[-1].removeprefix(MARKER))


def verify_load(
    root: Path, payload: str, at: datetime, workers: int, connections: int, seconds: int,
    memo: bool = True,
) -> dict[str, Any]:  # fmt: skip
    """`POST /api/v1/verify` under wrk: requests/s, p50, p99, errors, non-2xx."""
    home = root / "home"
    body = json.dumps({"payload": payload, "at": at.isoformat()}).encode()
    body_file = root / "verify-body.json"
    body_file.write_bytes(body)
    port = free_port()
    url = f"http://127.0.0.1:{port}/api/v1/verify"
    server = start_server(home, port, workers, memo)
    try:
        sample = wait_ready(server, url, body)
        online = {k: v for k, v in (sample.get("online") or {}).items() if k != "inclusion_proof"}
        say(f"sample answer: result {sample['result']}, online {online}")
        say(f"warm-up: {WARMUP_S} s")
        run_wrk(url, body_file, connections, WARMUP_S)
        say(f"load: {connections} connections, {seconds} s")
        before = group_cpu_s(server.pid), children_cpu_s(), machine_busy_s()
        figures = run_wrk(url, body_file, connections, seconds)
        after = group_cpu_s(server.pid), children_cpu_s(), machine_busy_s()
        check_valid(*post(url, body))  # still valid after the load
    finally:
        stop_server(server)
    server_s, wrk_s, busy_s = (b - a for a, b in zip(before, after, strict=True))
    wall_s = figures["duration_us"] / 1e6
    other = max(0.0, busy_s - server_s - wrk_s) / wall_s
    if other > 0.2:
        say(f"other work kept {other:.1f} cores busy during the load: the figures are low")
    errors = sum(figures[k] for k in ("connect", "read", "write", "timeout"))
    return {
        "requests_per_s": round(figures["requests"] / wall_s, 1),
        "p50_ms": round(figures["p50_us"] / 1e3, 2),
        "p90_ms": round(figures["p90_us"] / 1e3, 2),
        "p99_ms": round(figures["p99_us"] / 1e3, 2),
        "max_ms": round(figures["max_us"] / 1e3, 2),
        "requests": figures["requests"],
        "errors": errors,
        "non_2xx": figures["status"],
        "response_bytes": figures["bytes"] // max(1, figures["requests"]),
        "request_bytes": len(body),
        "online": {
            k: bool(v) if k == "inclusion_proof" else v
            for k, v in (sample.get("online") or {}).items()
        },
        "server_cpu_ms_per_request": round(server_s * 1e3 / max(1, figures["requests"]), 3),
        "cpu_cores": {
            "server": round(server_s / wall_s, 2),
            "wrk": round(wrk_s / wall_s, 2),
            "other_work": round(other, 2),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=DURATION_S, help="seconds of load")
    parser.add_argument("--connections", type=int, default=CONNECTIONS)
    parser.add_argument("--workers", type=int, default=WORKERS)
    args = parser.parse_args()
    wrk_command()  # fail early when there is no load generator

    with tempfile.TemporaryDirectory(dir=os.environ.get("ENDUSE_BENCH_DIR")) as tmp:
        root = Path(tmp)
        say("enduse demo in a throwaway ENDUSE_HOME")
        payload, at, document = prepare_home(root / "home")
        say(f"verifying {document} at {at:%Y-%m-%dT%H:%M:%SZ}; baseline: verify in-process")
        medians = baseline_blocks(payload, at, root / "home", BASELINE_BLOCKS)
        load = verify_load(root, payload, at, args.workers, args.connections, args.duration)
        cold = verify_load(
            root, payload, at, args.workers, args.connections, args.duration, memo=False
        )
        medians += baseline_blocks(payload, at, root / "home", BASELINE_BLOCKS)
        baseline = baseline_figures(medians)
        say(f"baseline {baseline['verifications_per_s']} verifications/s on one core")

    ratio = baseline["verifications_per_s"] * args.workers / load["requests_per_s"]
    met = load["requests_per_s"] >= TARGET_RPS and load["p99_ms"] < TARGET_P99_MS
    out: dict[str, Any] = {
        "bench": "api_verify",
        "requests_per_s": load["requests_per_s"],
        "p50_ms": load["p50_ms"],
        "p99_ms": load["p99_ms"],
        "connections": args.connections,
        "workers": args.workers,
        "duration_s": args.duration,
        "errors": load["errors"],
        "non_2xx": load["non_2xx"],
        "document": document,
        "online": load["online"],
        "baseline": baseline,
        "ratio": round(ratio, 2),
        "ratio_means": "baseline verifications/s x workers / HTTP requests/s",
        "target": {"requests_per_s": TARGET_RPS, "p99_ms_below": TARGET_P99_MS},
        "met": met,
        "loadgen": f"wrk -t{THREADS} --latency, same machine (shares the cores with the server)",
        "cpus": os.cpu_count(),
        "server_cpu_ms_per_request": load["server_cpu_ms_per_request"],
        "cpu_cores_during_load": load["cpu_cores"],
        "detail": {
            k: load[k] for k in ("p90_ms", "max_ms", "requests", "request_bytes", "response_bytes")
        },
        "without_memo": {
            "what": "the same load with ENDUSE_VERIFY_MEMO=0: every request opens the payload, "
            "checks its signature and runs the online queries and the inclusion proof",
            **{k: cold[k] for k in ("requests_per_s", "p50_ms", "p99_ms", "errors", "non_2xx")},
            "server_cpu_ms_per_request": cold["server_cpu_ms_per_request"],
            "met": cold["requests_per_s"] >= TARGET_RPS and cold["p99_ms"] < TARGET_P99_MS,
        },
        "python": sys.version.split()[0],
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
