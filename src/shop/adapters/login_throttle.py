"""Failed-login limits on the `limits` library (the engine of flask-limiter).

Three counters, so that an attacker at one address cannot lock a user out:

* per account and client address: the short lockout (10 in 15 minutes by default) refuses
  only that address;
* per account across all addresses: a much higher ceiling against a distributed guess;
* per client address across all accounts: one address spraying many accounts.

Storage is Redis when configured, so every API process counts together; memory otherwise.
A Redis that does not answer raises ServiceUnavailable.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from limits import RateLimitItem, parse
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from shop.adapters.redis.client import redis_down_is_unavailable


def limits_storage(uri: str, options: Mapping[str, float | str | bool]) -> Storage:
    """The (synchronous) `limits` storage at `uri`: redis://... or memory://."""
    storage = storage_from_string(uri, **options)
    assert isinstance(storage, Storage), uri
    return storage


class LimitsLoginThrottle:
    def __init__(
        self, storage: Storage, per_email_and_address: str, per_email: str, per_address: str
    ) -> None:
        self._limiter = MovingWindowRateLimiter(storage)
        self._rules: list[tuple[str, RateLimitItem]] = [
            ("email-address", parse(per_email_and_address)),
            ("email", parse(per_email)),
            ("address", parse(per_address)),
        ]

    def _keys(self, email: str, client: str) -> list[tuple[RateLimitItem, str]]:
        account = email.strip().lower()
        names = {"email-address": f"{account}|{client}", "email": account, "address": client}
        return [(limit, f"login-failures:{kind}:{names[kind]}") for kind, limit in self._rules]

    @redis_down_is_unavailable()
    def retry_after(self, email: str, client: str) -> int:
        wait = 0
        for limit, key in self._keys(email, client):
            if not self._limiter.test(limit, key):
                reset_at = self._limiter.get_window_stats(limit, key).reset_time
                wait = max(wait, int(reset_at - time.time()) + 1)
        return wait

    @redis_down_is_unavailable()
    def record_failure(self, email: str, client: str) -> None:
        for limit, key in self._keys(email, client):
            self._limiter.hit(limit, key)
