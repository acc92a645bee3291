"""The embedded default's job runner: one thread of this process delivers outbox entries after
the commit (never inside the request) and sweeps and purges every few seconds."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from functools import partial

log = logging.getLogger(__name__)

SWEEP_SECONDS = 5.0
_STOP = -1


class InlineJobRunner:
    """Runs `deliver(entry_id)` for each dispatched entry and `maintain()` when idle."""

    def __init__(
        self,
        deliver: Callable[[int], object],
        maintain: Callable[[], object],
        interval: float = SWEEP_SECONDS,
    ) -> None:
        self._deliver = deliver
        self._maintain = maintain
        self._interval = interval
        self._queue: queue.Queue[int] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def dispatch(self, entry_id: int) -> None:
        self._start()
        self._queue.put(entry_id)

    def start(self) -> None:
        self._start()

    def close(self, timeout: float = 5.0) -> None:
        thread = self._thread
        if thread is not None:
            self._queue.put(_STOP)
            thread.join(timeout)
            self._thread = None

    def drain(self) -> None:
        """Wait until every dispatched entry was handled (for the CLI and tests)."""
        self._queue.join()

    def _start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="shop-inline-jobs", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            try:
                entry_id = self._queue.get(timeout=self._interval)
            except queue.Empty:
                self._safely(self._maintain)
                continue
            try:
                if entry_id == _STOP:
                    return
                self._safely(partial(self._deliver, entry_id))
            finally:
                self._queue.task_done()

    @staticmethod
    def _safely(job: Callable[[], object]) -> None:
        try:
            job()
        except Exception:  # a failed job is retried by the sweep; the thread carries on
            log.warning("background job failed", exc_info=True)
