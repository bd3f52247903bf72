"""Counting how many calls are inside a section at once: the tests of the limits on decodes,
sign-ins and argon2 checks share it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Peak:
    def __init__(self) -> None:
        self.running = 0
        self.most = 0
        self._lock = threading.Lock()

    @contextmanager
    def inside(self) -> Iterator[None]:
        with self._lock:
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            yield
        finally:
            with self._lock:
                self.running -= 1
