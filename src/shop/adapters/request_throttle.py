"""Limits on every request of one kind (password resets, verification emails), per subject
and per client address, on the `limits` library like the login throttle. Redis when
configured, so every process counts together; a Redis that does not answer raises
ServiceUnavailable."""

from __future__ import annotations

import time

from limits import parse
from limits.storage import Storage
from limits.strategies import MovingWindowRateLimiter

from shop.adapters.redis.client import redis_down_is_unavailable


class LimitsRequestThrottle:
    def __init__(self, storage: Storage, name: str, per_subject: str, per_address: str) -> None:
        self._limiter = MovingWindowRateLimiter(storage)
        self._name = name
        self._subject = parse(per_subject)
        self._address = parse(per_address)

    @redis_down_is_unavailable()
    def hit(self, subject: str, client: str) -> int:
        checks = [
            (self._address, f"{self._name}:address:{client}"),
            (self._subject, f"{self._name}:subject:{subject}"),
        ]
        wait = 0
        for limit, key in checks:
            if not self._limiter.hit(limit, key):
                reset_at = self._limiter.get_window_stats(limit, key).reset_time
                wait = max(wait, int(reset_at - time.time()) + 1)
        return wait
