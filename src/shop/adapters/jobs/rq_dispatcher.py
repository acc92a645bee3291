"""Handing outbox entries to RQ: one job per entry, `outbox-<id>`, enqueued at most once."""

from __future__ import annotations

from redis import Redis
from rq import Queue, Retry
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job, JobStatus

from shop.adapters.jobs import JOB_QUEUES
from shop.services.notifications.outbox import retry_delay

EMAIL_QUEUE = JOB_QUEUES[0]
DELIVER_JOB = "shop.entrypoints.worker.jobs.deliver_outbox_entry"
JOB_TIMEOUT_SECONDS = 15  # an SMTP exchange times out after 10 s
FINISHED = {JobStatus.FINISHED, JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED}


def job_id(entry_id: int) -> str:
    return f"outbox-{entry_id}"


class RqOutboxDispatcher:
    def __init__(self, redis: Redis, max_attempts: int) -> None:
        self.queue = Queue(EMAIL_QUEUE, connection=redis)
        self._retry = Retry(
            max=max(max_attempts - 1, 0),
            interval=[int(retry_delay(n).total_seconds()) for n in range(1, max_attempts)],
        )

    def dispatch(self, entry_id: int) -> None:
        try:
            self._enqueue(entry_id)
        except DuplicateJobError:
            # Waiting or running: nothing to do. Done or failed long ago (the row says it is
            # still pending): that job is spent, so replace it.
            if self._spent(job_id(entry_id)):
                self._enqueue(entry_id)

    def _enqueue(self, entry_id: int) -> None:
        self.queue.enqueue(
            DELIVER_JOB,
            entry_id,
            job_id=job_id(entry_id),
            unique=True,
            retry=self._retry,
            job_timeout=JOB_TIMEOUT_SECONDS,
            result_ttl=0,
            failure_ttl=24 * 3600,
        )

    def _spent(self, key: str) -> bool:
        return _spent(self.queue, key)


REFUND_JOB = "shop.entrypoints.worker.jobs.settle_cancelled_order"


def refund_job_id(order_id: int) -> str:
    return f"refund-order-{order_id}"


class RqRefundDispatcher:
    """One settlement job per cancelled order at a time (`refund-order-<id>`), retried with
    backoff while the provider fails; the refunds' own keys make a rerun harmless."""

    def __init__(self, redis: Redis) -> None:
        self.queue = Queue(EMAIL_QUEUE, connection=redis)

    def dispatch(self, order_id: int) -> None:
        key = refund_job_id(order_id)
        try:
            self._enqueue(order_id, key)
        except DuplicateJobError:
            if _spent(self.queue, key):
                self._enqueue(order_id, key)

    def _enqueue(self, order_id: int, key: str) -> None:
        self.queue.enqueue(
            REFUND_JOB,
            order_id,
            job_id=key,
            unique=True,
            retry=Retry(max=6, interval=[2, 4, 8, 16, 32, 64]),
            job_timeout=60,
            result_ttl=0,
            failure_ttl=24 * 3600,
        )


def _spent(queue: Queue, key: str) -> bool:
    try:
        job = Job.fetch(key, connection=queue.connection)
    except NoSuchJobError:
        return True
    if job.get_status(refresh=False) in FINISHED:
        job.delete()
        return True
    return False
