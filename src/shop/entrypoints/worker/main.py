"""`shop worker`: an RQ worker for Shop's job queues (needs REDIS_URL).

SIGTERM (or Ctrl-C) is a warm shutdown: the job running finishes, then the worker exits; a
second signal stops it at once. Each job leaves one log line (logger `shop.jobs`): job id,
function, queue, outcome, duration and, on failure, the error's type. Job arguments are never
logged (they may name a customer).
"""

from __future__ import annotations

import logging
import time
from types import TracebackType
from typing import Any

from rq import Queue, Worker
from rq.job import Job

from shop.adapters.jobs import JOB_QUEUES
from shop.bootstrap import rq_connection
from shop.settings import Settings, SettingsError

QUEUES = JOB_QUEUES
job_log = logging.getLogger("shop.jobs")


class LoggingWorker(Worker):
    """An RQ worker that logs each job's outcome, not its arguments."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("log_job_description", False)
        kwargs.setdefault("exception_handlers", [self._remember_error])
        super().__init__(*args, **kwargs)
        self._last_error: str | None = None

    def _remember_error(
        self, job: Job, exc_type: type[BaseException], exc: BaseException, tb: TracebackType
    ) -> bool:
        self._last_error = exc_type.__name__
        return True  # go on to RQ's own handling (retry or the failed registry)

    def perform_job(self, job: Job, queue: Queue, *args: Any, **kwargs: Any) -> bool:
        self._last_error = None
        started = time.perf_counter()
        succeeded = bool(super().perform_job(job, queue, *args, **kwargs))
        fields = {
            "job_id": job.id,
            "function": job.func_name,
            "queue": queue.name,
            "outcome": "finished" if succeeded else "failed",
            "duration_ms": round((time.perf_counter() - started) * 1000, 2),
        }
        if succeeded:
            job_log.info("job %s finished", job.id, extra={"fields": fields})
        else:
            fields["error"] = self._last_error
            job_log.error("job %s failed: %s", job.id, self._last_error, extra={"fields": fields})
        return succeeded


def run_worker(settings: Settings, *, burst: bool = False) -> None:
    """Work the queues until stopped; the scheduler runs too, for retries with a delay."""
    if not settings.redis_url:
        raise SettingsError("shop worker needs REDIS_URL (the embedded default runs jobs inline)")
    worker = LoggingWorker(list(QUEUES), connection=rq_connection(settings))
    worker.work(with_scheduler=True, burst=burst)
