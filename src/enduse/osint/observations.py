"""An extracted transfer as a registry observation (BUNDLE.md `observations[]`, kind
`open_source_report`), with an id that is the same whenever the same report is read again."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from enduse.osint.extract import Transfer

STATUS = {"confirmed": "confirmed", "partly_confirmed": "alleged", "denied": "denied"}
UNNAMED = re.compile(
    r"\bintermediar(?:y|ies)(?: countries| states)?\b|\bthird countries\b|\bmiddlem[ae]n\b",
    re.IGNORECASE,
)
MAX_SOURCE = 200


def report_id(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _day(value: str | None) -> str | None:
    if not value:
        return None
    parts = value.split("-")
    return "-".join([parts[0], *(parts[1:] or ["01"]), *(["01"] if len(parts) < 3 else [])])[:10]


def observation_of(transfer: Transfer, *, text: str, number: int, source: str,
                   published: str | None, today: str) -> dict[str, Any]:  # fmt: skip
    """The observation a report's `number`-th transfer becomes. Dates are ISO days: "2023"
    is read as 2023-01-01 (the start of what the report says)."""
    items = []
    for item in transfer.items:
        entry: dict[str, Any] = {"description": item.text}
        if item.calibre:
            entry["calibre"] = item.calibre
        if item.category:
            entry["category"] = item.category
        items.append(entry)
    if transfer.quantity is not None and items:
        items[0]["quantity_text"] = transfer.quantity.text
        if (
            transfer.quantity.unit.isalpha() and transfer.quantity.unit.islower()
        ):  # a count, not money
            items[0]["quantity"] = int(transfer.quantity.value)
    who = ", ".join(transfer.claimants[:2])
    label = f"{source}: {who}" if who else source
    observation: dict[str, Any] = {
        "id": f"osint-{report_id(text)}-{number}",
        "kind": "open_source_report",
        "date": _day(transfer.date) or _day(published) or today,
        "from_state": transfer.supplier_country,
        "to_state": transfer.recipient_country,
        "via_states": sorted(transfer.intermediary_countries),
        "items": items,
        "source": label[:MAX_SOURCE],
        "status": STATUS.get(transfer.status, "alleged"),
        "report_status": transfer.status,
        "claimants": transfer.claimants,
        "denied_by": transfer.denied_by,
        "evidence": transfer.evidence,
        "via_unnamed": not transfer.intermediary_countries and bool(UNNAMED.search(text)),
    }
    reported = _day(published)
    if reported:
        observation["reported"] = reported
    return observation
