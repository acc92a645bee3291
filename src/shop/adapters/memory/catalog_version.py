"""The catalog version in this process: the embedded default's twin of the Redis one."""

from __future__ import annotations

import threading
import time


class InProcessCatalogVersion:
    """One process (the embedded default): a counter in memory is shared by everyone."""

    def __init__(self) -> None:
        self._value = time.time_ns()
        self._lock = threading.Lock()

    def current(self) -> str:
        return str(self._value)

    def bump(self) -> None:
        with self._lock:
            self._value += 1
