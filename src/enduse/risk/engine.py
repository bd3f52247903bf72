"""Evaluate the rules over the registry's facts; score each subject; the BUNDLE.md report shape."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from enduse.risk import rules as _rules  # noqa: F401  (registers the rules)
from enduse.risk.facts import Facts
from enduse.risk.findings import RULES, SEVERITY_POINTS, Finding


def evaluate(facts: Facts, config: dict[str, dict[str, Any]], today: date) -> list[Finding]:
    findings: list[Finding] = []
    for rule_id, r in sorted(RULES.items()):
        params = config.get(rule_id, {})
        if params.get("enabled", True) is False:
            continue
        severity = params.get("severity")
        for f in r.check(facts, params, today):
            if (
                f.subject_type == "licence"
                and facts.licences.get(f.subject_id, {}).get("status") == "refused"
            ):
                continue  # a refused licence moves no goods: its case is closed
            if severity and f.severity == r.severity:  # a configured severity replaces the default
                f = Finding(
                    f.rule, severity, f.subject_type, f.subject_id, f.message, f.evidence, f.blocks
                )
            findings.append(f)
    return merged(findings)


def merged(findings: list[Finding]) -> list[Finding]:
    """One finding per rule and subject: a second embargo, observation or EUC adds evidence to
    the finding, not points to the score. The gravest instance leads."""
    groups: dict[tuple[str, str, str], list[Finding]] = {}
    for f in findings:
        groups.setdefault((f.rule, f.subject_type, f.subject_id), []).append(f)
    out = []
    for group in groups.values():
        group.sort(key=lambda f: -SEVERITY_POINTS[f.severity])
        lead = group[0]
        if len(group) > 1:
            more = [{"message": f.message, **f.evidence} for f in group[1:]]
            lead = Finding(lead.rule, lead.severity, lead.subject_type, lead.subject_id,
                           f"{lead.message} (and {len(more)} more)", {**lead.evidence, "more": more},
                           any(f.blocks for f in group))  # fmt: skip
        out.append(lead)
    return out


def report(findings: list[Finding]) -> dict[str, Any]:
    scores: dict[tuple[str, str], int] = defaultdict(int)
    blocked: set[tuple[str, str]] = set()
    for f in findings:
        scores[(f.subject_type, f.subject_id)] += SEVERITY_POINTS[f.severity]
        if f.blocks:
            blocked.add((f.subject_type, f.subject_id))
    subjects = [
        {"type": t, "id": i, "score": s, **({"blocked": True} if (t, i) in blocked else {})}
        for (t, i), s in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return {"findings": [f.as_dict() for f in findings], "subjects": subjects}
