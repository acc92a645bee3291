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


class NotBefore:
    """Per account, the time before which its tokens are refused (kept in the state file)."""

    _NAMESPACE = "user-not-before"

    def __init__(self, state: StateFile | None) -> None:
        self._state = state
        self._times: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()
        if state is not None:
            self._times = {n: (float(v), d) for n, v, d in state.live(self._NAMESPACE)}

    def set(self, user_id: int, not_before: float, ttl_seconds: float) -> None:
        deadline = time.time() + ttl_seconds
        with self._lock:
            self._times[str(user_id)] = (not_before, deadline)
            if self._state is not None:
                self._state.put(self._NAMESPACE, str(user_id), repr(not_before), deadline)

    def refuses(self, user_id: int, issued_at: float) -> bool:
        with self._lock:
            entry = self._times.get(str(user_id))
        return entry is not None and entry[1] > time.time() and issued_at < entry[0]


class InMemoryTokenStore:
    def __init__(self, state: StateFile | None = None) -> None:
        self._revoked = ExpiringSet(state, "revoked")
        self._refresh = ExpiringSet(state, "refresh")
        self._families = ExpiringSet(state, "family-revoked")
        self._not_before = NotBefore(state)

    def revoke_user(self, user_id: int, not_before: float, ttl_seconds: int) -> None:
        self._not_before.set(user_id, not_before, ttl_seconds)

    def is_token_revoked(
        self, jti: str, family: str | None, user_id: int, issued_at: float
    ) -> bool:
        return self.is_revoked(jti, family) or self._not_before.refuses(user_id, issued_at)

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
