"""G7: what open-source reports allege about the licences in the registry."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from enduse.domain.calibre import normalise_calibre
from enduse.domain.control_list import parse_control_entry
from enduse.risk.facts import Facts
from enduse.risk.findings import Finding, rule


def _calibre(text: Any) -> str | None:
    try:
        return normalise_calibre(str(text)) if text else None
    except ValueError:
        return None


def _category(entry: Any) -> str | None:
    """ "ML3", "ml3a", "ML 3.a", "ML03.a": category ML3."""
    try:
        return f"ML{parse_control_entry(str(entry)).category}" if entry else None
    except ValueError:
        return None


def goods_overlap(observed: list[dict[str, Any]], declared: list[dict[str, Any]]) -> bool:
    """The report's goods could be the licence's: a shared calibre or control-list category;
    a report that names no category or calibre ("arms") overlaps anything."""
    seen_calibres = {c for i in observed if (c := _calibre(i.get("calibre")))}
    seen_categories = {c for i in observed if (c := _category(i.get("category")))}
    if not seen_calibres and not seen_categories:
        return True
    calibres = {c for i in declared if (c := _calibre(i.get("calibre")))}
    categories = {c for i in declared if (c := _category(i.get("control_entry")))}
    return bool(seen_calibres & calibres or seen_categories & categories)


def time_overlap(obs: dict[str, Any], licence: dict[str, Any], today: date) -> bool:
    """Goods cannot be diverted before they were licensed: the alleged period (its date to the
    report's) must reach the licence's start (its validity, else its decision). Diversion
    after the licence expired counts: it is the case G7 is for."""
    start = date.fromisoformat(obs["date"])
    end = max(start, date.fromisoformat(obs.get("reported") or today.isoformat()))
    since = licence.get("valid_from") or licence.get("date_of_decision")
    return not (since and date.fromisoformat(since) > end)


TIERS = ("low", "medium", "high")


def tiers(params: dict[str, Any]) -> tuple[str, str]:
    """A named intermediary's severity (configurable) and the unnamed one's, never above it."""
    strong = params.get("severity", "high")
    weak = params.get("unnamed_severity", "medium")
    return strong, min(weak, strong, key=TIERS.index)


@rule("G7", subject="licence", severity="high")
def alleged_in_open_source(facts: Facts, params: dict[str, Any], today: date) -> Iterator[Finding]:
    """A report alleges that goods of this licence's exporting state reached another state
    through the licence's declared destination (named, or "intermediary countries" unnamed),
    goods and time matching: the scheme of a borrowed end-user certificate, seen from outside."""
    kinds = set(params.get("kinds", ["open_source_report"]))
    strong, weak = tiers(params)
    statuses = set(params.get("report_statuses", ["alleged", "confirmed", "partly_confirmed"]))
    for obs in facts.observations.values():
        if obs.get("kind") not in kinds or obs.get("status") == "denied":
            continue
        if (obs.get("report_status") or obs.get("status") or "alleged") not in statuses:
            continue
        supplier, recipient = obs.get("from_state"), obs.get("to_state")
        via = obs.get("via_states") or []
        if not supplier or not recipient:
            continue
        for number, licence in facts.licences.items():
            if licence.get("exporting_state") != supplier or licence.get("status") == "refused":
                continue
            euc = facts.euc_of(licence)
            if euc is None:
                continue
            destination = euc["country_of_final_destination"]
            named = destination in via
            if destination in (supplier, recipient) or not (
                named or (obs.get("via_unnamed") and not via)
            ):
                continue
            if not goods_overlap(obs.get("items") or [], euc.get("items") or []):
                continue
            if not time_overlap(obs, licence, today):
                continue
            yield Finding(
                "G7", strong if named else weak, "licence", number,
                f"a report alleges that goods from {supplier} reached {recipient} through "
                + (f"{destination}, this licence's declared destination" if named
                   else "unnamed intermediary countries; this licence's destination is " + destination),
                {"observation": obs["id"], "source": obs.get("source"), "date": obs.get("date"),
                 "from_state": supplier, "to_state": recipient, "via_states": via,
                 "destination": destination, "named": named,
                 "report_status": obs.get("report_status") or obs.get("status"),
                 "claimants": obs.get("claimants", []), "denied_by": obs.get("denied_by", []),
                 "evidence": obs.get("evidence", [])},
            )  # fmt: skip


def links(findings: list[Finding], observation_ids: set[str],
          params: dict[str, Any] | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """The licences these observations concern: one entry per licence and observation (the
    engine merges a licence's G7 findings into one, the others under `more`)."""
    strong, weak = tiers(params or {})
    out = []
    for f in findings:
        if f.rule != "G7":
            continue
        lead = {"message": f.message, **f.evidence}
        for instance in [lead, *f.evidence.get("more", [])]:
            if instance.get("observation") in observation_ids:
                out.append({
                    "licence": f.subject_id,
                    "severity": f.severity if instance is lead else (strong if instance.get("named") else weak),
                    "message": instance["message"].split(" (and ")[0],
                    "observation": instance["observation"],
                    "named": instance.get("named"),
                    "evidence": instance.get("evidence", []),
                })  # fmt: skip
    return out


def g7_findings(facts: Facts, config: dict[str, dict[str, Any]], today: date) -> list[Finding]:
    """G7 alone (what an ingest reports): every rule over a whole registry takes seconds."""
    from enduse.risk.engine import merged

    params = config.get("G7", {})
    if params.get("enabled", True) is False:
        return []
    return merged([
        f for f in alleged_in_open_source(facts, params, today)
        if facts.licences.get(f.subject_id, {}).get("status") != "refused"
    ])  # fmt: skip
