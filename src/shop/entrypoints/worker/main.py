"""`shop worker`: an RQ worker for Shop's job queues (needs REDIS_URL).

It runs the RQ scheduler too (retries with a delay need it) and a maintenance pass every few
seconds: RQ's own (a killed worker's job is retried within about a minute and a half, not ten
minutes, and its queues' cleaning lock lasts 30 s, not 15 minutes, should a worker die
holding it), the due retries of a queue whose scheduler died, the outbox sweep and the purge of
expired idempotency keys.

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

from rq import Queue, SimpleWorker
from rq.job import Job
from rq.scheduler import RQScheduler

from shop.adapters.jobs import JOB_QUEUES
from shop.bootstrap import rq_connection
from shop.entrypoints.worker import jobs
from shop.settings import Settings, SettingsError

QUEUES = JOB_QUEUES
MAINTENANCE_SECONDS = 5
WORKER_TTL_SECONDS = 20  # the idle dequeue waits 5 s, so maintenance runs on time
MAINTENANCE_LOCK_SECONDS = 30
job_log = logging.getLogger("shop.jobs")


class MaintainedQueue(Queue):
    """A queue whose registry-cleaning lock lasts 30 s, not RQ's 15 minutes.

    One worker at a time cleans a queue's registries (that is where a killed worker's job is
    found abandoned and retried). A worker killed while cleaning keeps the lock until it
    expires, and with RQ's lifetime nobody would retry that queue's abandoned jobs for a
    quarter of an hour. A cleaning that outlasts the lock may overlap another one, which only
    repeats RQ's idempotent registry moves.
    """

    def acquire_maintenance_lock(self) -> bool:
        key = self.registry_cleaning_key
        return bool(self.connection.set(key, 1, nx=True, ex=MAINTENANCE_LOCK_SECONDS))


class LoggingWorker(SimpleWorker):
    """An RQ worker that logs each job's outcome, not its arguments, and sweeps the outbox.

    Jobs run in the worker process itself: they share its database pool, and a killed worker
    leaves no orphaned work-horse still sending an email.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("log_job_description", False)
        kwargs.setdefault("queue_class", MaintainedQueue)
        kwargs.setdefault("exception_handlers", [self._remember_error])
        super().__init__(*args, **kwargs)
        self._last_error: str | None = None
        self._stand_in: RQScheduler | None = None

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

    def run_maintenance_tasks(self) -> None:
        super().run_maintenance_tasks()  # type: ignore[no-untyped-call]
        self.enqueue_due_jobs_of_unscheduled_queues()
        jobs.maintain()

    def enqueue_due_jobs_of_unscheduled_queues(self) -> None:
        """Enqueue the due scheduled jobs of each queue whose scheduler lock nobody holds.

        RQ's scheduler holds one lock per queue. When the worker holding a queue's lock dies,
        the lock expires a minute later, but a live scheduler holding the other queues' locks
        looks for free ones only every two minutes; meanwhile that queue's retries (a killed
        worker's job is retried through the scheduled registry) would wait. So each
        maintenance pass takes the free locks for a moment and enqueues what is due, as RQ's
        burst mode does.
        """
        if self._stand_in is None:
            self._stand_in = RQScheduler(
                self.queues, connection=self.connection, serializer=self.serializer
            )
        if self._stand_in.acquire_locks():  # type: ignore[no-untyped-call]
            try:
                self._stand_in.enqueue_scheduled_jobs()  # type: ignore[no-untyped-call]
            finally:
                self._stand_in.release_locks()  # type: ignore[no-untyped-call]


def run_worker(settings: Settings, *, burst: bool = False) -> None:
    """Work the queues until stopped."""
    if not settings.redis_url:
        raise SettingsError("shop worker needs REDIS_URL (the embedded default runs jobs inline)")
    settings.validate_payments()  # it makes the refunds
    jobs.configure(settings)
    worker = LoggingWorker(
        list(QUEUES),
        connection=rq_connection(settings),
        maintenance_interval=MAINTENANCE_SECONDS,
        worker_ttl=WORKER_TTL_SECONDS,
    )
    worker.work(with_scheduler=True, burst=burst)
