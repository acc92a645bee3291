"""`shop worker`: an RQ worker for Shop's job queues (needs REDIS_URL).

It runs the RQ scheduler too (retries with a delay need it) and a maintenance pass every few
seconds: RQ's own (a killed worker's job is retried within about a minute, not ten), plus the
outbox sweep and the purge of expired idempotency keys.
"""

from __future__ import annotations

import logging

from redis import Redis
from rq import SimpleWorker

from shop.bootstrap import bootstrap
from shop.entrypoints.worker import jobs
from shop.settings import Settings, SettingsError

QUEUES = ("emails", "default")
MAINTENANCE_SECONDS = 5
WORKER_TTL_SECONDS = 20  # the idle dequeue waits 5 s, so maintenance runs on time

log = logging.getLogger(__name__)


class ShopWorker(SimpleWorker):
    """Runs each job in the worker process itself: a job shares the worker's database pool,
    and a killed worker leaves no orphan work-horse still sending."""

    def run_maintenance_tasks(self) -> None:
        super().run_maintenance_tasks()
        jobs.maintain()


def run_worker(settings: Settings, *, burst: bool = False) -> None:
    """Work the queues until stopped."""
    if not settings.redis_url:
        raise SettingsError("shop worker needs REDIS_URL (the embedded default runs jobs inline)")
    jobs.configure(bootstrap(settings))
    connection = Redis.from_url(settings.redis_url, socket_connect_timeout=5)
    worker = ShopWorker(
        list(QUEUES),
        connection=connection,
        maintenance_interval=MAINTENANCE_SECONDS,
        worker_ttl=WORKER_TTL_SECONDS,
    )
    worker.work(with_scheduler=True, burst=burst)
