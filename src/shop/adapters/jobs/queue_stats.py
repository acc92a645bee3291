"""Queue depths straight from RQ's Redis keys: the same answer from every process."""

from __future__ import annotations

from redis import Redis
from rq import Queue
from rq.registry import FailedJobRegistry

from shop.adapters.jobs import JOB_QUEUES
from shop.services.operations.ports import QueueDepth


class RqQueueStats:
    def __init__(self, redis: Redis, queues: tuple[str, ...] = JOB_QUEUES) -> None:
        self._redis = redis
        self._queues = queues

    def depths(self) -> list[QueueDepth]:
        depths = []
        for name in self._queues:
            queue = Queue(name, connection=self._redis)
            failed = FailedJobRegistry(queue=queue)
            depths.append(QueueDepth(name=name, queued=queue.count, failed=failed.count))
        return depths


class NoJobQueues:
    """The embedded default runs jobs inline: there is no queue to measure."""

    def depths(self) -> list[QueueDepth]:
        return []
