"""`shop worker`: an RQ worker for Shop's job queues (needs REDIS_URL)."""

from __future__ import annotations

from redis import Redis
from rq import Worker

from shop.settings import Settings, SettingsError

QUEUES = ("emails", "default")


def run_worker(settings: Settings, *, burst: bool = False) -> None:
    """Work the queues until stopped; the scheduler runs too, for retries with a delay."""
    if not settings.redis_url:
        raise SettingsError("shop worker needs REDIS_URL (the embedded default runs jobs inline)")
    connection = Redis.from_url(settings.redis_url, socket_connect_timeout=5)
    Worker(list(QUEUES), connection=connection).work(with_scheduler=True, burst=burst)
