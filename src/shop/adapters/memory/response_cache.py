"""Cached responses in this process: the embedded default's twin of the Redis cache."""

from __future__ import annotations

from typing import Any

from flask_caching.backends import SimpleCache


class InProcessResponseCache:
    def __init__(self, ttl: int, capacity: int = 2000) -> None:
        self._cache = SimpleCache(threshold=capacity, default_timeout=ttl)

    def get(self, key: str) -> Any:
        return self._cache.get(key)

    def set(self, key: str, value: Any) -> None:
        self._cache.set(key, value)
