"""`shop worker` works the job queues of the configured Redis (jobs arrive with checkout)."""

from __future__ import annotations

from redis import Redis
from rq import Queue

from shop.entrypoints.worker.main import QUEUES
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
