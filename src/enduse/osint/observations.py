"""An extracted transfer as a registry observation (BUNDLE.md `observations[]`, kind
`open_source_report`), with an id that is the same whenever the same report is read again."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any

from enduse.osint.extract import Transfer
from enduse.osint.quantities import QUANTITY_UNITS

STATUS = {"confirmed": "confirmed", "partly_confirmed": "alleged", "denied": "denied"}
UNNAMED = re.compile(
    r"\bintermediar(?:y|ies)(?: countries| states)?\b|\bthird countries\b|\bmiddlem[ae]n\b",
    re.IGNORECASE,
)
NO_INTERMEDIARY = re.compile(
    r"\b(?:no|without|not through|not via|never through)\s+(?:an?\s+|any\s+)?intermediar|\bdirectly\b",
    re.IGNORECASE,
)
COUNT_UNITS = frozenset(QUANTITY_UNITS)
MAX_SOURCE = 200


def report_id(text: str) -> str:
    """The same for the same report however it was saved (line ends, BOM, spacing)."""
    normal = " ".join(unicodedata.normalize("NFC", text.lstrip("\ufeff")).split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:12]


def _unnamed(transfer: Transfer) -> bool:
    """The transfer's sentences and their paragraphs say intermediaries were used, without
    naming them ("No intermediary was involved" says the opposite)."""
    if transfer.intermediary_countries:
        return False
    return any(
        UNNAMED.search(e) and not NO_INTERMEDIARY.search(e)
        for e in [*transfer.evidence, *transfer.context]
    )


def _day(value: str | None) -> str | None:
    if not value:
        return None
    parts = value.split("-")
    return "-".join([parts[0], *(parts[1:] or ["01"]), *(["01"] if len(parts) < 3 else [])])[:10]


def observation_of(transfer: Transfer, *, text: str, source: str,
                   published: str | None, today: str) -> dict[str, Any]:  # fmt: skip
    """The observation a report's transfer becomes. Dates are ISO days: "2023"
    is read as 2023-01-01 (the start of what the report says)."""
    items = []
    for item in transfer.items:
        entry: dict[str, Any] = {"description": item.text}
        if item.calibre:
            entry["calibre"] = item.calibre
        if item.category:
            entry["category"] = item.category
        items.append(entry)
    amount = transfer.quantity
    if amount is not None:
        # the item the amount counts ("200 machine guns"), else the first; money only as text
        unit = amount.unit.lower()
        target = next((i for i in items if unit.rstrip("s") in i["description"].lower()), None)
        if target is None:
            target = items[0] if items else {"description": amount.text}
            if not items:
                items.append(target)
        target["quantity_text"] = amount.text
        if unit in COUNT_UNITS and float(amount.value).is_integer():
            target["quantity"] = int(amount.value)
    who = ", ".join(transfer.claimants[:2])
    label = f"{source}: {who}" if who else source
    observation: dict[str, Any] = {
        # the report and the pair, not the transfer's place in the list: a newer extractor
        # that finds one more transfer does not renumber those on record
        "id": f"osint-{report_id(text)}-{transfer.supplier_country}-{transfer.recipient_country}".lower(),
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
        "via_unnamed": _unnamed(transfer),
    }
    reported = _day(published)
    if reported:
        observation["reported"] = reported
    return observation
