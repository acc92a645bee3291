"""What RQ holds on the data host's Redis, for the log of a failed scale-out run.

Each queue's length and registries (started, scheduled, failed), who holds its scheduler and
cleaning locks (with their time to live), and the workers RQ knows: enough to tell which
recovery of a killed worker's job was late. Usage: scale_out_jobs.py REDIS_URL
"""

from __future__ import annotations

import sys

from redis import Redis
from rq import Queue, Worker
from rq.scheduler import RQScheduler

from shop.adapters.jobs import JOB_QUEUES


def describe(connection: Redis) -> list[str]:
    lines = []
    for name in JOB_QUEUES:
        queue = Queue(name, connection=connection)
        lock = RQScheduler.get_locking_key(name)
        cleaning = queue.registry_cleaning_key
        lines.append(
            f"queue {name}: {queue.count} queued; started "
            f"{queue.started_job_registry.get_job_ids()}; scheduled "
            f"{queue.scheduled_job_registry.get_job_ids()}; failed "
            f"{queue.failed_job_registry.get_job_ids()}; scheduler lock "
            f"{connection.get(lock)!r} (ttl {connection.ttl(lock)}); cleaning lock ttl "
            f"{connection.ttl(cleaning)}"
        )
    for worker in Worker.all(connection=connection):
        job = worker.get_current_job_id()
        lines.append(f"worker {worker.name}: {worker.get_state()}, job {job}")
    return lines


if __name__ == "__main__":
    print("\n".join(describe(Redis.from_url(sys.argv[1], socket_timeout=5))))
