"""The catalog version (see CatalogVersion) in Redis, shared by every API process.

A version that disappears (Redis restarted, the key evicted) starts again from the current
time in nanoseconds rather than from 1, so it never repeats a number that keyed entries
still cached from before.

The version is read on every cached catalog read, so that read goes straight to a pooled
connection with the command packed once: redis-py's `execute_command` spends about as much
CPU again on its generic machinery (retries, callbacks, observability) as the round trip.
"""

from __future__ import annotations

import time
from typing import Any

from redis import Redis
from redis.exceptions import RedisError

from shop.adapters.redis.client import REDIS
from shop.services.common import ServiceUnavailable

VERSION_KEY = "shop:catalog:version"


class RedisCatalogVersion:
    def __init__(self, redis: Redis, key: str = VERSION_KEY) -> None:
        self._redis = redis
        self._key = key
        self._packed_get: list[bytes] | None = None

    def current(self) -> str:
        try:
            value = self._get()
            if value is None:
                self._redis.set(self._key, time.time_ns(), nx=True)
                value = self._redis.get(self._key)
        except (RedisError, OSError) as exc:
            raise ServiceUnavailable(REDIS) from exc
        return str(value)

    def _get(self) -> Any:
        """GET of the key on a connection of the client's pool (thread-safe: each thread
        takes its own); a connection that fails is dropped, and the next use reconnects."""
        pool = self._redis.connection_pool
        connection: Any = pool.get_connection()  # redis-py leaves these methods untyped
        try:
            if self._packed_get is None:
                self._packed_get = connection.pack_command("GET", self._key)
            connection.send_packed_command(self._packed_get)
            return connection.read_response()
        except BaseException:
            connection.disconnect()
            raise
        finally:
            pool.release(connection)

    def bump(self) -> None:
        try:
            with self._redis.pipeline(transaction=True) as pipe:
                pipe.set(self._key, time.time_ns(), nx=True)
                pipe.incr(self._key)
                pipe.execute()
        except (RedisError, OSError) as exc:
            raise ServiceUnavailable(REDIS) from exc
