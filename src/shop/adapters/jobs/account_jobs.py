"""The accounts feature's jobs (personal-data exports, password reset links): RQ with Redis,
a thread of this process on the embedded default (never inside the request)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from redis import Redis
from rq import Queue, Retry

from shop.adapters.jobs import JOB_QUEUES

log = logging.getLogger(__name__)

ACCOUNT_QUEUE = JOB_QUEUES[1]
JOBS = "shop.entrypoints.worker.account_jobs."


class RqAccountJobs:
    def __init__(self, redis: Redis) -> None:
        self.queue = Queue(ACCOUNT_QUEUE, connection=redis)

    def build_export(self, export_id: int) -> None:
        self._enqueue("build_data_export", export_id, job_id=f"data-export-{export_id}")

    def send_password_reset(self, email: str) -> None:
        self._enqueue("send_password_reset", email)

    def _enqueue(self, function: str, argument: Any, job_id: str | None = None) -> None:
        self.queue.enqueue(
            JOBS + function,
            argument,
            job_id=job_id,
            retry=Retry(max=3, interval=[5, 30, 120]),
            job_timeout=300,
            result_ttl=0,
            failure_ttl=24 * 3600,
        )


class InlineAccountJobs:
    """A short-lived thread per job; `drain()` waits for those running (tests, CLI)."""

    def __init__(
        self, build_export: Callable[[int], object], send_reset: Callable[[str], object]
    ) -> None:
        self._build_export = build_export
        self._send_reset = send_reset
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def build_export(self, export_id: int) -> None:
        self._start(self._build_export, export_id)

    def send_password_reset(self, email: str) -> None:
        self._start(self._send_reset, email)

    def drain(self, timeout: float = 30.0) -> None:
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout)

    def _start(self, job: Callable[[Any], object], argument: Any) -> None:
        thread = threading.Thread(
            target=self._run, args=(job, argument), name="shop-account-job", daemon=True
        )
        with self._lock:
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    @staticmethod
    def _run(job: Callable[[Any], object], argument: Any) -> None:
        try:
            job(argument)
        except Exception:  # logged without its argument (an email address)
            log.warning("account job %s failed", getattr(job, "__name__", "?"), exc_info=True)
