"""C: do the goods fit the end user?"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from typing import Any

from enduse.domain.calibre import CalibreError, normalise_calibre
from enduse.domain.control_list import ControlEntryError, is_ammunition, parse_control_entry
from enduse.risk.facts import Facts
from enduse.risk.findings import Finding, rule


@lru_cache(maxsize=65536)  # a registry names few calibres, a million times
def calibre_of(text: str | None) -> str | None:
    """The canonical calibre, or None when there is none or it is ambiguous."""
    if not text:
        return None
    try:
        return normalise_calibre(text)
    except (CalibreError, ValueError):
        return None


def _ammunition(entry: str | None) -> bool:
    try:
        return entry is not None and is_ammunition(parse_control_entry(entry))
    except ControlEntryError:
        return False


@rule("C1", subject="licence", severity="high")
def ammunition_nobody_fires(facts: Facts, params: dict[str, Any], today: date) -> Iterator[Finding]:
    """Ammunition for a calibre no weapon of the end user fires has no use there but onward.

    The classic paper trail of diversion: Soviet-standard shells certified for an
    army that fields NATO-standard guns. The end user's known inventory (its own, or
    its state's forces' for a government end user) is compared by normalised
    calibre; an end user with no known inventory is reported too (low), so the
    officer knows this check could not be made.
    """
    for number, licence in facts.licences.items():
        euc = facts.euc_of(licence)
        if euc is None:
            continue
        lines = {i["line"]: i for i in euc.get("items", [])}
        wanted = []
        for item in licence.get("items", []):
            line = lines.get(item.get("euc_line"))
            if line and _ammunition(line.get("control_entry")) and line.get("calibre"):
                if calibre_of(line["calibre"]):
                    wanted.append(line)
                else:
                    yield Finding("C1", "low", "licence", number,
                                  f"EUC line {line['line']} calibre {line['calibre']!r} is ambiguous: not compared",
                                  {"euc_line": line["line"], "calibre": line["calibre"]})  # fmt: skip
        if not wanted:
            continue
        inventory = facts.inventory_of(euc["end_user"])
        if inventory is None or not inventory.get("calibres"):
            yield Finding("C1", "low", "licence", number,
                          f"no known inventory of end user {euc['end_user']}: ammunition calibres not checked",
                          {"end_user": euc["end_user"], "inventory": None,
                           "calibres": [line["calibre"] for line in wanted]})  # fmt: skip
            continue
        fielded = {c for c in map(calibre_of, inventory.get("calibres", [])) if c}
        unclear = [c for c in inventory.get("calibres", []) if not calibre_of(c)]
        if unclear:  # "7.62 mm" alone could be several cartridges: say so, never guess
            yield Finding("C1", "low", "licence", number,
                          f"inventory calibres {', '.join(unclear)} are ambiguous: not compared",
                          {"end_user": euc["end_user"], "ambiguous": unclear})  # fmt: skip
        unfit = [line for line in wanted if calibre_of(line["calibre"]) not in fielded]
        if unfit:
            calibres = ", ".join(calibre_of(line["calibre"]) or "" for line in unfit)
            yield Finding(
                "C1", "high", "licence", number,
                f"ammunition for {calibres}: end user {euc['end_user']} fields no weapon for it",
                {"euc": f"{euc['issuing_authority']}:{euc['euc_number']}", "end_user": euc["end_user"],
                 "lines": [{"euc_line": line["line"], "description": line.get("description"),
                            "calibre": calibre_of(line["calibre"]), "quantity": line.get("quantity")}
                           for line in unfit],
                 "inventory": {"calibres": sorted(fielded), "as_of": inventory.get("as_of"),
                               "source": inventory.get("source")}},
            )  # fmt: skip


@rule("C3", subject="licence", severity="medium")
def goods_beyond_role(facts: Facts, params: dict[str, Any], today: date) -> Iterator[Finding]:
    """Goods that do not fit the end user's role (artillery for a police unit): they are for
    someone else."""
    roles = params.get("roles", {})
    for number, licence in facts.licences.items():
        euc = facts.euc_of(licence)
        if euc is None:
            continue
        name = (facts.parties.get(euc["end_user"], {}).get("name") or "").lower()
        for word, allowed in roles.items():
            if word in name:
                items = [i for i in euc.get("items", [])
                         if i.get("control_entry") and i["control_entry"].split(".")[0] not in allowed]  # fmt: skip
                if items:
                    yield Finding("C3", "medium", "licence", number,
                                  f"{', '.join(i['control_entry'] for i in items)} for a {word} end user",
                                  {"end_user": euc["end_user"], "role": word, "allowed": allowed})  # fmt: skip
                break


_FOR_SYSTEM = re.compile(
    r"\bfor (?:the )?([A-Z0-9][\w\-]*(?: [A-Z0-9][\w\-]*)*)"
)  # a name, capitalised


@rule("C2", subject="licence", severity="medium")
def system_not_operated(facts: Facts, params: dict[str, Any], today: date) -> Iterator[Finding]:
    """Spare parts or ammunition "for" a weapon system the end user is not recorded as operating
    are for someone who does. Checked only where the end user's systems are recorded."""
    for number, licence in facts.licences.items():
        euc = facts.euc_of(licence)
        if euc is None:
            continue
        inventory = facts.inventory_of(euc["end_user"])
        systems = [s.lower() for s in (inventory or {}).get("systems", [])]
        if not systems:
            continue
        lines = {i["line"]: i for i in euc.get("items", [])}
        for item in licence.get("items", []):
            line = lines.get(item.get("euc_line")) or {}
            match = _FOR_SYSTEM.search(line.get("description") or "")
            if not match:
                continue
            generic = {w.lower() for w in params.get("generic", [])}
            words = {
                w for w in re.split(r"[\s\-]+", match.group(1).lower()) if len(w) > 1
            } - generic
            fielded = {w for s in systems for w in re.split(r"[\s\-]+", s)}
            if words and not words & fielded:
                yield Finding("C2", "medium", "licence", number,
                              f"{line.get('description')}: {euc['end_user']} is not recorded as operating {match.group(1)}",
                              {"euc_line": line.get("line"), "system": match.group(1), "systems": inventory.get("systems")})  # fmt: skip
