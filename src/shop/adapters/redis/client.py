"""Redis clients that fail fast, so a Redis outage becomes a quick 503 instead of a hang."""

from __future__ import annotations

from redis import Redis
from redis.backoff import NoBackoff
from redis.retry import Retry

TIMEOUT_SECONDS = 1.0


def make_redis(url: str, *, decode_responses: bool = True) -> Redis:
    return Redis.from_url(
        url,
        socket_connect_timeout=TIMEOUT_SECONDS,
        socket_timeout=TIMEOUT_SECONDS,
        retry=Retry(NoBackoff(), 0),
        health_check_interval=15,
        decode_responses=decode_responses,
    )


def ping_redis(client: Redis) -> None:
    """Raise unless Redis answers."""
    client.ping()
