"""Sign-in guessing is slowed: failed attempts counted per user name and per address, and at most
a few argon2 computations at a time (the pages over HTTP: tests/web/test_signin.py)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from argon2.exceptions import VerifyMismatchError

from concurrency import Peak
from enduse.workflow import logins
from enduse.workflow.logins import MAX_VERIFYING, Throttle, minutes, sign_in
from enduse.workflow.roles import PermissionDenied


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def fail(throttle: Throttle, name: str, address: str | None, times: int = 1) -> None:
    for _ in range(times):
        assert throttle.start(name, address) == 0  # let through, counted as failed


def test_five_failures_for_a_user_name_stop_further_attempts_for_fifteen_minutes():
    clock = Clock()
    throttle = Throttle(clock=clock)
    for i in range(5):  # from five addresses: the user name's count
        fail(throttle, "olga", f"192.0.2.{i}")
        clock.now += 60
    wait = throttle.start("olga", "198.51.100.7")
    assert wait == pytest.approx(15 * 60 - 5 * 60)  # until the first failure is 15 minutes old
    assert minutes(wait) == 10
    assert throttle.start("ann", "198.51.100.7") == 0  # other users are not held up
    clock.now += wait + 0.001
    assert throttle.start("olga", "198.51.100.7") == 0  # the window slid past the first


def test_five_failures_from_an_address_stop_it_whatever_the_user_name():
    clock = Clock()
    throttle = Throttle(clock=clock)
    for name in ("olga", "ann", "bob", "carl", "root"):
        fail(throttle, name, "203.0.113.9")
    assert throttle.start("ivan", "203.0.113.9") > 0
    assert throttle.start("ivan", "203.0.113.10") == 0


def test_a_success_forgets_the_users_failures_but_not_the_addresss():
    clock = Clock()
    throttle = Throttle(clock=clock)
    fail(throttle, "olga", "192.0.2.1", 4)
    assert throttle.start("olga", "192.0.2.2") == 0
    throttle.succeeded("olga", "192.0.2.2")
    fail(throttle, "olga", "192.0.2.3", 4)  # four more failures allowed: the count restarted
    # an attacker's address is not cleared by signing in to its own account in between
    fail(throttle, "mallory-guess", "198.51.100.1", 4)
    assert throttle.start("mallory", "198.51.100.1") == 0
    throttle.succeeded("mallory", "198.51.100.1")
    fail(throttle, "other-guess", "198.51.100.1")
    assert throttle.start("third-guess", "198.51.100.1") > 0


def test_attempts_in_flight_count_so_a_burst_cannot_slip_past():
    throttle = Throttle(clock=Clock())
    started = [throttle.start(f"user{i}", "192.0.2.1") for i in range(20)]  # none finished yet
    assert started[:5] == [0] * 5 and all(w > 0 for w in started[5:])
    throttle.abandoned("user0", "192.0.2.1")  # a busy server never checked it: not counted
    assert throttle.start("user5", "192.0.2.1") == 0


def test_ipv6_addresses_count_per_64_and_mapped_ipv4_as_ipv4():
    throttle = Throttle(clock=Clock())
    for i in range(5):
        fail(throttle, f"u{i}", f"2001:db8:1:2::{i + 1}")
    assert throttle.start("x", "2001:db8:1:2:ffff::1") > 0  # the same /64
    assert throttle.start("x", "2001:db8:1:3::1") == 0
    for i in range(5):
        fail(throttle, f"v{i}", "::ffff:192.0.2.50")
    assert throttle.start("y", "192.0.2.50") > 0


def test_the_throttle_remembers_a_bounded_number_of_names_and_addresses():
    throttle = Throttle(clock=Clock(), capacity=100)
    for i in range(1000):
        throttle.start(f"name{i}", f"10.0.{i // 250}.{i % 250}")
    assert len(throttle) <= 100
    throttle = Throttle(window=timedelta(minutes=15), clock=Clock())
    throttle.start("x" * 10_000, None)  # a huge "user name" is kept at its first 100 characters
    assert throttle.start("x" * 100 + "y", None) == 0 and len(throttle) == 1


class _NoUser:
    def get(self, *_: Any) -> None:
        return None


def test_at_most_max_verifying_argon2_computations_run_at_once(monkeypatch):
    peak = Peak()

    class SlowHasher:
        def verify(self, stored: str, password: str) -> bool:
            with peak.inside():
                time.sleep(0.05)
            raise VerifyMismatchError()

    monkeypatch.setattr(logins, "_hasher", SlowHasher())
    refused: list[bool] = []

    def attempt() -> None:
        try:
            sign_in(_NoUser(), "nobody", "a password of some length")  # type: ignore[arg-type]
        except PermissionDenied:
            refused.append(True)

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert refused == [True] * 12
    assert peak.most == MAX_VERIFYING == 4
