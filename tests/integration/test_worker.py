"""`shop worker` works the job queues of the configured Redis (jobs arrive with checkout)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from redis import Redis
from rq import Queue
from rq.registry import ScheduledJobRegistry
from rq.scheduler import RQScheduler

from shop.entrypoints.worker import jobs
from shop.entrypoints.worker.main import MAINTENANCE_LOCK_SECONDS, QUEUES, LoggingWorker
from tests.integration.shop_command import shop


def test_a_burst_worker_runs_what_is_queued_and_stops(redis_url: str) -> None:
    connection = Redis.from_url(redis_url)
    queue = Queue(QUEUES[0], connection=connection)
    job = queue.enqueue("builtins.len", "four")
    result = shop(
        "worker", "--burst", env={"REDIS_URL": redis_url, "SHOP_PAYMENT_PROVIDER": "test"}
    )
    assert result.returncode == 0, result.stderr
    job.refresh()
    assert job.is_finished
    assert job.return_value() == 4


def test_the_worker_needs_redis() -> None:
    result = shop("worker", "--burst", env={"REDIS_URL": ""})
    assert result.returncode != 0
    assert "REDIS_URL" in result.stderr


def test_a_production_worker_needs_its_payment_provider_chosen(redis_url: str) -> None:
    """It makes the refunds: a silently assumed `test` provider would never refund Stripe."""
    env = {"REDIS_URL": redis_url, "SHOP_ENV": "production", "SHOP_PAYMENT_PROVIDER": ""}
    result = shop("worker", "--burst", env=env)
    assert result.returncode != 0
    assert "SHOP_PAYMENT_PROVIDER" in result.stderr


def test_maintenance_enqueues_due_retries_of_a_queue_whose_scheduler_died(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A dead worker's scheduler lock on one queue: the survivor's scheduler holds the others
    and looks for free locks only every two minutes; its maintenance enqueues what is due."""
    monkeypatch.setattr(jobs, "maintain", lambda: None)  # the outbox and the rest: not here
    connection = Redis.from_url(redis_url)
    connection.flushdb()
    emails, other = (Queue(name, connection=connection) for name in QUEUES)
    due = emails.enqueue_at(datetime.now(UTC) - timedelta(seconds=1), "builtins.len", "due")
    later = emails.enqueue_at(datetime.now(UTC) + timedelta(hours=1), "builtins.len", "later")
    survivor = RQScheduler([other], connection=connection)
    assert survivor.acquire_locks() == {other.name}  # the survivor's own scheduler
    worker = LoggingWorker(list(QUEUES), connection=connection)

    worker.run_maintenance_tasks()

    assert emails.job_ids == [due.id]
    assert later.id in ScheduledJobRegistry(queue=emails).get_job_ids()
    assert not connection.exists(RQScheduler.get_locking_key(emails.name)), "lock kept"
    assert connection.get(RQScheduler.get_locking_key(other.name)) == survivor.name.encode()


def test_maintenance_leaves_a_live_schedulers_queue_to_it(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jobs, "maintain", lambda: None)
    connection = Redis.from_url(redis_url)
    connection.flushdb()
    emails = Queue(QUEUES[0], connection=connection)
    due = emails.enqueue_at(datetime.now(UTC) - timedelta(seconds=1), "builtins.len", "due")
    holder = RQScheduler(list(QUEUES), connection=connection)
    assert holder.acquire_locks() == set(QUEUES)

    LoggingWorker(list(QUEUES), connection=connection).run_maintenance_tasks()

    assert emails.job_ids == []
    assert due.id in ScheduledJobRegistry(queue=emails).get_job_ids()


def test_a_worker_killed_while_cleaning_holds_the_queues_cleaning_for_seconds(
    redis_url: str,
) -> None:
    """RQ's own lock lasts 15 minutes: a worker killed holding it would stop every worker's
    cleaning of that queue, where abandoned jobs are retried, for that long."""
    connection = Redis.from_url(redis_url)
    connection.flushdb()
    worker = LoggingWorker(list(QUEUES), connection=connection)
    for queue in worker.queues:
        assert queue.acquire_maintenance_lock()  # then killed: never released
        assert 0 < connection.ttl(queue.registry_cleaning_key) <= MAINTENANCE_LOCK_SECONDS
        assert not queue.acquire_maintenance_lock()  # still one cleaner at a time
