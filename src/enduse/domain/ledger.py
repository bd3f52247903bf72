"""The quantity ledger: what an EUC still allows, and what a licence still allows to ship.

Pure arithmetic over recorded facts. A licence that is live reserves its
licensed quantities against its EUC line; one that ended (revoked, expired)
keeps only what was shipped under it; a refused one reserves nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from enduse.domain.errors import DomainError, Problem

RESERVING = frozenset({"applied", "under_review", "issued", "suspended", "exhausted"})
ENDED = frozenset({"revoked", "expired"})


@dataclass(frozen=True)
class LicenceUse:
    """One existing licence's hold on an EUC line."""

    status: str
    euc_line: int
    licensed: Decimal
    shipped: Decimal


def held(use: LicenceUse) -> Decimal:
    """What a licence takes from its EUC line: recorded shipments above the licence count too."""
    if use.status in RESERVING:
        return max(use.licensed, use.shipped)
    if use.status in ENDED:
        return use.shipped
    return Decimal(0)


def remaining(euc_lines: Mapping[int, Decimal], uses: Iterable[LicenceUse]) -> dict[int, Decimal]:
    left = dict(euc_lines)
    for use in uses:
        if use.euc_line in left:
            left[use.euc_line] -= held(use)
    return left


def _plain(value: Decimal) -> str:
    """30000, not 30000.000000 (what a NUMERIC(20, 6) column gives back)."""
    return format(value.normalize(), "f")


def check_application(
    euc_lines: Mapping[int, Decimal],
    uses: Iterable[LicenceUse],
    wanted: Iterable[tuple[int | None, Decimal | None]],
) -> None:
    """Refuse (naming every item) an application that would overdraw its EUC."""
    left = remaining(euc_lines, uses)
    used = {line: euc_lines[line] - left[line] for line in euc_lines}
    check_draw(euc_lines, used, wanted, line_field="euc_line", what="EUC")


def drawn(items: Iterable[Any], line_field: str) -> list[tuple[int | None, Decimal | None]]:
    """(line, quantity) of each item of a request: what `check_draw` is asked for."""
    return [
        (getattr(i, line_field), None if i.quantity is None else Decimal(str(i.quantity)))
        for i in items
    ]


def check_draw(
    limits: Mapping[int, Decimal],
    used: Mapping[int, Decimal],
    wanted: Iterable[tuple[int | None, Decimal | None]],
    *,
    line_field: str,
    what: str,
) -> None:
    """Refuse (naming every item) a draw above what `limits` leaves after `used`.

    The one rule behind shipping (never above the licence) and delivery
    (never more delivered than shipped): `what` names the limit in messages.
    """
    problems = []
    asked: dict[int, Decimal] = {}
    for i, (line, quantity) in enumerate(wanted):
        path = f"$.items[{i}]"
        if line is None or line not in limits:
            problems.append(
                Problem(f"{path}.{line_field}", "unknown_line", f"the {what} has no line {line}")
            )
            continue
        if quantity is None or quantity <= 0:
            problems.append(Problem(f"{path}.quantity", "invalid", "a positive quantity is needed"))
            continue
        asked[line] = asked.get(line, Decimal(0)) + quantity
        left = limits[line] - used.get(line, Decimal(0))
        if asked[line] > left:
            problems.append(
                Problem(
                    f"{path}.quantity",
                    "overdraw",
                    f"{what} line {line}: {_plain(max(left, Decimal(0)))} of "
                    f"{_plain(limits[line])} left, {_plain(asked[line])} asked",
                )
            )
    if problems:
        raise DomainError(problems)


def fully_drawn(limits: Mapping[int, Decimal], used: Mapping[int, Decimal]) -> bool:
    """Every line used up: a licence whose last quantity shipped is exhausted."""
    return bool(limits) and all(used.get(line, Decimal(0)) >= q for line, q in limits.items())
