"""Catalog imports on Redis: RQ jobs run by `shop worker`, and progress every process reads."""

from __future__ import annotations

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue

from shop.adapters.jobs import JOB_QUEUES
from shop.adapters.redis.client import REDIS
from shop.services.common import ServiceUnavailable

IMPORT_QUEUE = JOB_QUEUES[1]  # "default"; emails have a queue of their own
IMPORT_JOB = "shop.entrypoints.worker.jobs.run_catalog_import"
IMPORT_TIMEOUT_SECONDS = 3600
PROGRESS_TTL_SECONDS = 24 * 3600


class RqImportJobs:
    def __init__(self, connection: Redis) -> None:
        self.queue = Queue(IMPORT_QUEUE, connection=connection)

    def enqueue(self, import_id: int) -> None:
        try:
            self.queue.enqueue(
                IMPORT_JOB,
                import_id,
                job_timeout=IMPORT_TIMEOUT_SECONDS,
                result_ttl=0,
                failure_ttl=24 * 3600,
            )
        except (RedisError, OSError) as exc:
            raise ServiceUnavailable(REDIS) from exc


class RedisImportProgress:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    @staticmethod
    def _key(import_id: int) -> str:
        return f"shop:import:{import_id}:progress"

    def set(self, import_id: int, rows_total: int, rows_done: int) -> None:
        try:
            self._redis.set(
                self._key(import_id), f"{rows_total}:{rows_done}", ex=PROGRESS_TTL_SECONDS
            )
        except (RedisError, OSError):
            pass  # progress is a courtesy; the import goes on

    def get(self, import_id: int) -> tuple[int, int] | None:
        try:
            value = self._redis.get(self._key(import_id))
        except (RedisError, OSError) as exc:
            raise ServiceUnavailable(REDIS) from exc
        if not value:
            return None
        total, _, done = str(value).partition(":")
        return int(total), int(done)
