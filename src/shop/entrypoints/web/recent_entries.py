"""Bounded, thread-safe memories of this process: a least-recently-used map, and the catalog
cache's copies of its recent entries on top of it."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any, Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")
MISSING: Any = object()  # `Lru.get`'s default where None is a value held


class Lru(Generic[K, V]):
    """At most `capacity` values; the least recently used one is forgotten first."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K, default: V | None = None) -> V | None:
        with self._lock:
            if key not in self._entries:
                return default
            self._entries.move_to_end(key)
            return self._entries[key]

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)

    def forget(self, key: K) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def __len__(self) -> int:
        return len(self._entries)


class RecentEntries(Lru[str, dict[str, Any]]):
    """This process's copies of recently served entries, under the same keys.

    A key carries the catalog version, so a copy is never served after a catalog write; it
    lives no longer than its Redis original (`stored_at` + ttl). A hit costs no Redis round
    trip and no unpickling: only the version is asked of Redis.
    """

    def __init__(self, ttl: float, capacity: int = 1024) -> None:
        super().__init__(capacity)
        self.ttl = ttl

    def get(self, key: str, default: dict[str, Any] | None = None) -> dict[str, Any] | None:
        entry = super().get(key)
        if entry is None:
            return default
        if entry["stored_at"] + self.ttl <= time.time():
            self.forget(key)
            return default
        return entry
