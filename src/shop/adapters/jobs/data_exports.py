"""Running personal-data exports as jobs: RQ with Redis, a thread of this process on the
embedded default (never inside the request)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from redis import Redis
from rq import Queue, Retry

from shop.adapters.jobs import JOB_QUEUES

log = logging.getLogger(__name__)

EXPORT_QUEUE = JOB_QUEUES[1]
BUILD_JOB = "shop.entrypoints.worker.account_jobs.build_data_export"


class RqExportJobs:
    def __init__(self, redis: Redis) -> None:
        self.queue = Queue(EXPORT_QUEUE, connection=redis)

    def enqueue(self, export_id: int) -> None:
        self.queue.enqueue(
            BUILD_JOB,
            export_id,
            job_id=f"data-export-{export_id}",
            retry=Retry(max=3, interval=[5, 30, 120]),
            job_timeout=300,
            result_ttl=0,
            failure_ttl=24 * 3600,
        )


class InlineExportJobs:
    """One short-lived thread per export; `drain()` waits for those running (tests, CLI)."""

    def __init__(self, build: Callable[[int], object]) -> None:
        self._build = build
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def enqueue(self, export_id: int) -> None:
        thread = threading.Thread(
            target=self._run, args=(export_id,), name="shop-data-export", daemon=True
        )
        with self._lock:
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def drain(self, timeout: float = 30.0) -> None:
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout)

    def _run(self, export_id: int) -> None:
        try:
            self._build(export_id)
        except Exception:  # logged; the customer may ask again once the export failed
            log.warning("data export %s failed", export_id, exc_info=True)
