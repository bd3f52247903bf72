"""The ledger's arithmetic."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from enduse.domain.errors import DomainError
from enduse.domain.ledger import LicenceUse, check_application, check_draw, fully_drawn, remaining

EUC = {1: D(30000), 2: D(1000000)}


def test_live_licences_reserve_ended_ones_keep_what_shipped_refused_ones_nothing():
    uses = [
        LicenceUse("issued", 1, D(10000), D(0)),
        LicenceUse("applied", 1, D(5000), D(0)),
        LicenceUse("revoked", 1, D(8000), D(2000)),
        LicenceUse("refused", 1, D(9000), D(0)),
        LicenceUse("expired", 2, D(500000), D(100000)),
    ]
    assert remaining(EUC, uses) == {1: D(13000), 2: D(900000)}


def test_an_application_within_what_is_left_passes():
    check_application(EUC, [LicenceUse("issued", 1, D(29000), D(0))], [(1, D(1000)), (2, D(1))])


def test_an_overdraw_is_refused_naming_the_item():
    with pytest.raises(DomainError) as info:
        check_application(
            EUC, [LicenceUse("issued", 1, D(29000), D(0))], [(1, D(600)), (1, D(600)), (3, D(1))]
        )
    found = [(p.path, p.reason) for p in info.value.problems]
    assert found == [("$.items[1].quantity", "overdraw"), ("$.items[2].euc_line", "unknown_line")]
    assert "1000 of 30000 left, 1200 asked" in info.value.problems[0].message


def test_recorded_shipments_above_a_live_licence_count_in_full():
    assert remaining({1: D(100)}, [LicenceUse("issued", 1, D(60), D(90))]) == {1: D(10)}


def test_a_draw_is_refused_per_item_above_what_is_left():
    limits = {1: D(60), 2: D(10)}
    used = {1: D(40)}
    check_draw(limits, used, [(1, D(20)), (2, D(10))], line_field="licence_line", what="licence L")
    with pytest.raises(DomainError) as info:
        check_draw(
            limits, used, [(1, D(15)), (1, D(6)), (3, D(1)), (2, D(0))],
            line_field="licence_line", what="licence L",
        )  # fmt: skip
    assert [(p.path, p.reason) for p in info.value.problems] == [
        ("$.items[1].quantity", "overdraw"),
        ("$.items[2].licence_line", "unknown_line"),
        ("$.items[3].quantity", "invalid"),
    ]
    assert "licence L line 1: 20 of 60 left, 21 asked" in info.value.problems[0].message
    assert fully_drawn(limits, {1: D(60), 2: D(10)})
    assert not fully_drawn(limits, {1: D(60)})
    assert not fully_drawn({}, {})
