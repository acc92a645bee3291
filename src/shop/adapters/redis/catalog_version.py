"""The catalog version (see CatalogVersion) in Redis, shared by every API process.

A version that disappears (Redis restarted, the key evicted) starts again from the current
time in nanoseconds rather than from 1, so it never repeats a number that keyed entries
still cached from before.

The version is read on every cached catalog read, so that read goes straight to a pooled
connection (`round_trip`) with the command packed once.
"""

from __future__ import annotations

import time
from typing import Any

from redis import Redis
from redis.exceptions import RedisError

from shop.adapters.redis.client import REDIS, round_trip
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
        return round_trip(self._redis, self._pack_get, 1)[0]

    def _pack_get(self, connection: Any) -> list[bytes]:
        if self._packed_get is None:
            self._packed_get = connection.pack_command("GET", self._key)
        return self._packed_get

    def bump(self) -> None:
        try:
            with self._redis.pipeline(transaction=True) as pipe:
                pipe.set(self._key, time.time_ns(), nx=True)
                pipe.incr(self._key)
                pipe.execute()
        except (RedisError, OSError) as exc:
            raise ServiceUnavailable(REDIS) from exc
