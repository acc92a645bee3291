"""Redis clients that fail fast, so a Redis outage becomes a quick 503 instead of a hang, and
the one place that says which Redis errors mean "Redis is down"."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from redis import Redis
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

from shop.services.common import ServiceUnavailable

TIMEOUT_SECONDS = 1.0
REDIS = "redis"
# A Redis that does not answer. Other Redis errors (a script's error, a wrong type) are bugs.
REDIS_DOWN: tuple[type[Exception], ...] = (RedisConnectionError, RedisTimeoutError)


def make_redis(url: str, *, decode_responses: bool = True) -> Redis:
    return Redis.from_url(
        url,
        socket_connect_timeout=TIMEOUT_SECONDS,
        socket_timeout=TIMEOUT_SECONDS,
        retry=Retry(NoBackoff(), 0),
        health_check_interval=15,
        decode_responses=decode_responses,
    )


@contextmanager
def redis_down_is_unavailable() -> Iterator[None]:
    """Turn a Redis that does not answer into ServiceUnavailable (usable as a decorator)."""
    try:
        yield
    except REDIS_DOWN as exc:
        raise ServiceUnavailable(REDIS) from exc


@contextmanager
def any_redis_error_is_unavailable() -> Iterator[None]:
    """For stores whose every failure means "cannot tell" (no scripts of ours can fail)."""
    try:
        yield
    except (RedisError, OSError) as exc:
        raise ServiceUnavailable(REDIS) from exc


def ping_redis(client: Redis) -> None:
    """Raise unless Redis answers."""
    client.ping()
