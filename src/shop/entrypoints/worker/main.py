"""`shop worker`: an RQ worker for Shop's job queues (needs REDIS_URL)."""

from __future__ import annotations

from rq import Worker

from shop.bootstrap import rq_connection
from shop.entrypoints.worker import catalog_imports
from shop.settings import Settings, SettingsError

QUEUES = ("emails", "default")


def run_worker(settings: Settings, *, burst: bool = False) -> None:
    """Work the queues until stopped; the scheduler runs too, for retries with a delay."""
    if not settings.redis_url:
        raise SettingsError("shop worker needs REDIS_URL (the embedded default runs jobs inline)")
    catalog_imports.preload()
    Worker(list(QUEUES), connection=rq_connection(settings)).work(with_scheduler=True, burst=burst)
