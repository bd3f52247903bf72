"""The licensing officer's case page with a registry of 100,000 licences.

The synthetic registry of bench/registry.py (100,000 licences, 300,000 shipments, ...)
is imported into an embedded registry; an officer signs in; 300 case pages of licences
picked at random are requested in-process, and each page's server time is read from its
`Server-Timing` header (the time from the request reaching the application to the page
being rendered, without the test client's own overhead). Target: p99 < 200 ms.

The first page a worker serves loads the registry's facts (reported as `facts_load_s`);
after a change, the next page only catches up on what changed (`page_after_a_decision_ms`,
a licence suspended or put under review through the workflow).

Baseline: the same cases' red flags evaluated alone, in-process (`Desk.case_risk`); ratio =
page p50 / evaluation p50, what the page adds (screenings, the ledger, the timeline,
verification, rendering) to the analysis it shows.
"""

from __future__ import annotations

import json
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from enduse.api.app import create_app
from enduse.docs.local_pki import LocalPki
from enduse.registry.db import make_engine, session_factory
from enduse.registry.migrate import upgrade
from enduse.registry.models import LicenceRow
from enduse.web.desk import Desk
from enduse.workflow.imports import record_bundle
from enduse.workflow.licensing import decide
from enduse.workflow.logins import set_password
from enduse.workflow.users import add_user, get_user
from registry import synthetic_bundle

LICENCES = 100_000
PAGES = 300
TARGET_P99_MS = 200
PASSWORD = "bench password of the officer"
TODAY = date(2026, 1, 1)


def say(message: str) -> None:
    print(f"[case page bench] {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main() -> None:
    home = Path(tempfile.mkdtemp(prefix="enduse-case-bench-"))
    engine = make_engine(f"sqlite:///{home / 'registry.sqlite'}")
    upgrade(engine)
    sessions = session_factory(engine)
    say(f"generating and importing {LICENCES:,} licences")
    bundle = synthetic_bundle(LICENCES)
    with sessions() as session, session.begin():
        record_bundle(session, bundle)
        add_user(session, "officer", "licensing_officer", authority="RS-EXPORT")
        set_password(session, "officer", PASSWORD)
    numbers = [lic["licence_number"] for lic in bundle["licences"]]
    del bundle
    app = create_app(sessions, LocalPki(home), session_factory(engine, read_only=True),
                     secure_cookies=False)  # fmt: skip
    client = TestClient(app, follow_redirects=False)
    form = client.get("/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    signed_in = client.post("/login", data={"username": "officer", "password": PASSWORD,
                                            "csrf": csrf})  # fmt: skip
    assert signed_in.status_code == 303, signed_in.text
    rng = random.Random(7)
    picked = rng.sample(numbers, PAGES)
    start = time.perf_counter()
    first = client.get(f"/cases/{picked[0]}?at={TODAY}")
    facts_load_s = time.perf_counter() - start
    assert first.status_code == 200 and "Red flags" in first.text, first.text[:500]
    say(f"first page (the registry's facts loaded): {facts_load_s:.1f} s")
    times = []
    for number in picked:
        r = client.get(f"/cases/{number}?at={TODAY}")
        assert r.status_code == 200 and "Quantity ledger" in r.text
        times.append(float(r.headers["server-timing"].split("dur=")[1]))
    # an officer decides a case: the next page catches the worker's facts up on that change
    with sessions() as session, session.begin():
        row = session.get(LicenceRow, picked[1])
        status = "suspended" if row.status == "issued" else "under_review"
        decide(session, get_user(session, "officer"), picked[1], status)
    after = client.get(f"/cases/{picked[-1]}?at={TODAY}")
    assert after.status_code == 200
    after_ms = float(after.headers["server-timing"].split("dur=")[1])
    say(f"the page after a decision ({status}): {after_ms:.0f} ms")
    desk = Desk()
    with sessions() as session:
        facts = desk.facts(session)
    evaluations = []
    for number in picked:
        t = time.perf_counter()
        desk.case_risk(facts, number, TODAY)
        evaluations.append((time.perf_counter() - t) * 1000)
    p50, p99 = statistics.median(times), percentile(times, 99)
    base = statistics.median(evaluations)
    print(json.dumps({
        "bench": "case_page", "licences": LICENCES, "pages": PAGES,
        "p50_ms": round(p50, 1), "p99_ms": round(p99, 1), "max_ms": round(max(times), 1),
        "facts_load_s": round(facts_load_s, 1), "page_after_a_decision_ms": round(after_ms, 1),
        "baseline": {"what": "the case's red flags evaluated alone in-process (Desk.case_risk)",
                     "p50_ms": round(base, 1)},
        "ratio": round(p50 / base, 2), "target": {"p99_ms_below": TARGET_P99_MS},
        "met": p99 < TARGET_P99_MS, "database": "sqlite",
    }))  # fmt: skip


if __name__ == "__main__":
    main()
