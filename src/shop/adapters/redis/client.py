"""Redis clients that fail fast, so a Redis outage becomes a quick 503 instead of a hang, and
the one place that says which Redis errors mean "Redis is down"."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from redis import Redis
from redis.backoff import NoBackoff
from redis.commands.core import Script
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError, RedisError
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


def round_trip(client: Redis, pack: Callable[[Any], Sequence[bytes]], replies: int) -> list[Any]:
    """Send the commands `pack` packs (with the connection's `pack_command(s)`) on a
    connection of the client's pool (thread-safe: each thread takes its own) and read their
    `replies` raw replies (no response callbacks: an HGETALL is a flat list).

    For the hottest reads: redis-py's `execute_command` and pipelines spend about as much CPU
    again on their generic machinery (retries, callbacks, observability) as the round trip.
    A connection that fails is dropped, and the next use reconnects; an error reply raises.
    """
    pool = client.connection_pool
    connection: Any = pool.get_connection()  # redis-py leaves these methods untyped
    try:
        connection.send_packed_command(pack(connection))
        return [connection.read_response() for _ in range(replies)]
    except BaseException:
        connection.disconnect()
        raise
    finally:
        pool.release(connection)


def run_script(client: Redis, script: Script, keys: Sequence[Any], args: Sequence[Any]) -> Any:
    """`script(keys=keys, args=args)` (EVALSHA) in one `round_trip`; a Redis that does not
    know the script yet (restarted, flushed) gets it through redis-py, which loads it."""
    command = ("EVALSHA", script.sha, len(keys), *keys, *args)
    try:
        return round_trip(client, lambda connection: connection.pack_command(*command), 1)[0]
    except NoScriptError:
        return script(keys=keys, args=args)


def ping_redis(client: Redis) -> None:
    """Raise unless Redis answers."""
    client.ping()
