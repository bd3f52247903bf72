"""`enduse risk` and `enduse trace` on the seed scenario."""

from __future__ import annotations

import json


def test_risk_report_and_trace_from_the_command_line(run, bundle_file):
    assert run("import", str(bundle_file)).exit_code == 0
    r = run("risk", "--json", "--at", "2025-07-01")
    assert r.exit_code == 0, r.output
    report = json.loads(r.stdout)
    rules = {(f["rule"], f["subject"]["id"]) for f in report["findings"]}
    assert {("C1", "RS-2025-0107"), ("B3", "p-forwarder"), ("B5", "p-broker"), ("B6", "p-broker"),
            ("G1", "SH-2025-0001"), ("G6", "RS-2025-0131")} <= rules  # fmt: skip
    assert report["subjects"][0]["score"] >= report["subjects"][-1]["score"]
    case = json.loads(
        run("risk", "--licence", "RS-2025-0107", "--json", "--at", "2025-07-01").stdout
    )
    assert "RS-2025-0131" not in {f["subject"]["id"] for f in case["findings"]}
    assert run("risk", "--licence", "NOPE").exit_code == 1
    table = run("risk", "--at", "2025-07-01")
    assert table.exit_code == 0 and "C1" in table.stdout
    traced = run("trace", "--licence", "RS-2025-0131")
    assert traced.exit_code == 0 and "ended in UA" in traced.stdout
    lot = json.loads(run("trace", "--lot", "SM-122-25-007", "--json").stdout)
    assert lot["origins"][0]["licence"] == "RS-2025-0131"
    assert run("trace").exit_code == 2
