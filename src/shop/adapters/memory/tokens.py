"""In-process twin of the Redis token store, for the embedded default (one process).

Given a `StateFile`, every change is written through to it, so a restart forgets nothing
(a refresh token stays usable once, a revoked one stays revoked).
"""

from __future__ import annotations

import threading
import time

from shop.adapters.memory.state_file import StateFile


class ExpiringSet:
    """A thread-safe set of names that each vanish after their own time to live."""

    def __init__(self, state: StateFile | None = None, namespace: str = "") -> None:
        self._expiry: dict[str, float] = {}
        self._lock = threading.Lock()
        self._state, self._namespace = state, namespace
        if state is not None:
            self._expiry = {name: deadline for name, _, deadline in state.live(namespace)}

    def add(self, name: str, ttl_seconds: float) -> None:
        with self._lock:
            self._purge()
            self._expiry[name] = time.time() + ttl_seconds
            if self._state is not None:
                self._state.put(self._namespace, name, "", self._expiry[name])

    def __contains__(self, name: object) -> bool:
        with self._lock:
            deadline = self._expiry.get(str(name))
            return deadline is not None and deadline > time.time()

    def discard(self, name: str) -> bool:
        """Remove `name`; True if it was there and alive."""
        with self._lock:
            deadline = self._expiry.pop(name, None)
            if deadline is not None and self._state is not None:
                self._state.delete(self._namespace, name)
            return deadline is not None and deadline > time.time()

    def _purge(self) -> None:
        if len(self._expiry) % 1024 == 0:
            now = time.time()
            for name in [n for n, d in self._expiry.items() if d <= now]:
                del self._expiry[name]


class InMemoryTokenStore:
    def __init__(self, state: StateFile | None = None) -> None:
        self._revoked = ExpiringSet(state, "revoked")
        self._refresh = ExpiringSet(state, "refresh")
        self._families = ExpiringSet(state, "family-revoked")

    def revoke(self, jti: str, ttl_seconds: int) -> None:
        self._revoked.add(jti, ttl_seconds)

    def is_revoked(self, jti: str, family: str | None = None) -> bool:
        return jti in self._revoked or (family is not None and family in self._families)

    def remember_refresh(self, jti: str, family: str, ttl_seconds: int) -> None:
        self._refresh.add(jti, ttl_seconds)

    def consume_refresh(self, jti: str) -> bool:
        return self._refresh.discard(jti)

    def revoke_family(self, family: str, ttl_seconds: int) -> None:
        self._families.add(family, ttl_seconds)

    def is_family_revoked(self, family: str) -> bool:
        return family in self._families

    def ping(self) -> None:
        return None
