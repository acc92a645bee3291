"""This process's copies of the catalog cache's recent entries."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any


class RecentEntries:
    """This process's copies of recently served entries (an LRU), under the same keys.

    A key carries the catalog version, so a copy is never served after a catalog write; it
    lives no longer than its Redis original (`stored_at` + ttl). A hit costs no Redis round
    trip and no unpickling: only the version is asked of Redis.
    """

    def __init__(self, ttl: float, capacity: int = 1024) -> None:
        self.ttl = ttl
        self.capacity = capacity
        self._entries: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry["stored_at"] + self.ttl <= time.time():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: dict[str, Any]) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)
