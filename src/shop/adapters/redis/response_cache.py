"""Cached responses in Redis (flask-caching's Redis backend), shared by every API process."""

from __future__ import annotations

from typing import Any

from flask_caching.backends import RedisCache
from redis import Redis

from shop.adapters.redis.client import any_redis_error_is_unavailable


class RedisResponseCache:
    """Entries live `ttl` seconds. A Redis that fails raises ServiceUnavailable."""

    def __init__(self, client: Redis, ttl: int, prefix: str = "shop:catalog:") -> None:
        # The client must not decode responses: entries are pickled bytes.
        self._cache = RedisCache(host=client, default_timeout=ttl, key_prefix=prefix)

    @any_redis_error_is_unavailable()
    def get(self, key: str) -> Any:
        return self._cache.get(key)

    @any_redis_error_is_unavailable()
    def set(self, key: str, value: Any) -> None:
        self._cache.set(key, value)
