"""Batch appends from many threads into few durable log writes.

Each caller waits for its own index, which it gets only once the batch that
holds its entry is durable; a batch is cut when it is full or when the first
entry in it has waited `max_wait` seconds, so a checkpoint is signed at least
that often while entries arrive (well within the once-a-second promise).
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass

from enduse.tlog.log import TileLog


@dataclass
class _Pending:
    entry: bytes
    future: Future[int]


class Sequencer:
    def __init__(self, log: TileLog, max_batch: int = 4096, max_wait: float = 0.05) -> None:
        self.log = log
        self.max_batch = max_batch
        self.max_wait = max_wait
        self.batches = 0
        self._queue: queue.Queue[_Pending | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="tlog-sequencer", daemon=True)
        self._thread.start()

    def submit(self, entry: bytes) -> Future[int]:
        future: Future[int] = Future()
        self._queue.put(_Pending(entry, future))
        return future

    def append(self, entry: bytes, timeout: float | None = 30.0) -> int:
        """The entry's index, once it is durable (raises what the log raised)."""
        return self.submit(entry).result(timeout)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            stop = False
            while len(batch) < self.max_batch:
                try:
                    item = self._queue.get(timeout=self.max_wait if len(batch) == 1 else 0.001)
                except queue.Empty:
                    break
                if item is None:
                    stop = True
                    break
                batch.append(item)
            self._write(batch)
            if stop:
                return

    def _write(self, batch: list[_Pending]) -> None:
        try:
            start = self.log.append([p.entry for p in batch])
        except Exception as e:  # every waiter learns why; nothing was acknowledged
            for p in batch:
                p.future.set_exception(e)
            return
        self.batches += 1
        for offset, p in enumerate(batch):
            p.future.set_result(start + offset)
