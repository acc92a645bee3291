"""The embedded default's catalog-import runner and progress: one thread of this process runs
the queued imports in turn (never inside the request), and progress is kept in memory."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class InProcessImportProgress:
    def __init__(self) -> None:
        self._done: dict[int, tuple[int, int]] = {}

    def set(self, import_id: int, rows_total: int, rows_done: int) -> None:
        self._done[import_id] = (rows_total, rows_done)

    def get(self, import_id: int) -> tuple[int, int] | None:
        return self._done.get(import_id)


class ThreadImportJobs:
    """Runs `run(import_id)` on a daemon thread, one import at a time."""

    def __init__(self) -> None:
        self.run: Callable[[int], object] | None = None  # set by the composition root
        self._queue: queue.Queue[int] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def enqueue(self, import_id: int) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="shop-imports", daemon=True)
                self._thread.start()
        self._queue.put(import_id)

    def drain(self) -> None:
        """Wait until every queued import ran (for tests and the CLI)."""
        self._queue.join()

    def _work(self) -> None:
        while True:
            import_id = self._queue.get()
            try:
                if self.run is not None:
                    self.run(import_id)
            except Exception:  # recorded as failed by the job itself
                log.exception("catalog import %s failed", import_id)
            finally:
                self._queue.task_done()
