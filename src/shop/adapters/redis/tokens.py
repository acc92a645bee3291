"""Token revocation and refresh-token state in Redis, shared by every API process.

A Redis that fails raises ServiceUnavailable.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from redis import Redis

from shop.adapters.redis.client import any_redis_error_is_unavailable

PREFIX = "shop:auth:"


def revocation_keys(jti: str, family: str | None, user_id: int, prefix: str = PREFIX) -> list[str]:
    """The keys whose values say whether a token is revoked, for one MGET (which the cart
    read also sends in its own pipeline)."""
    keys = [f"{prefix}revoked:{jti}", f"{prefix}user-not-before:{user_id}"]
    if family is not None:
        keys.append(f"{prefix}family-revoked:{family}")
    return keys


def revoked_by(values: Sequence[Any], issued_at: float) -> bool:
    """Is a token issued at `issued_at` revoked, given the values of its `revocation_keys`?"""
    revoked, not_before, *family_revoked = values
    if revoked is not None or any(value is not None for value in family_revoked):
        return True
    return not_before is not None and issued_at < float(not_before)


class RedisTokenStore:
    def __init__(self, client: Redis, prefix: str = PREFIX) -> None:
        self._redis = client
        self._prefix = prefix

    def _key(self, kind: str, name: str) -> str:
        return f"{self._prefix}{kind}:{name}"

    @any_redis_error_is_unavailable()
    def revoke(self, jti: str, ttl_seconds: int) -> None:
        self._redis.set(self._key("revoked", jti), 1, ex=max(ttl_seconds, 1))

    @any_redis_error_is_unavailable()
    def is_revoked(self, jti: str, family: str | None = None) -> bool:
        keys = [self._key("revoked", jti)]
        if family is not None:
            keys.append(self._key("family-revoked", family))
        return any(value is not None for value in self._redis.mget(keys))

    @any_redis_error_is_unavailable()
    def remember_refresh(self, jti: str, family: str, ttl_seconds: int) -> None:
        self._redis.set(self._key("refresh", jti), family, ex=max(ttl_seconds, 1))

    @any_redis_error_is_unavailable()
    def consume_refresh(self, jti: str) -> bool:
        # DEL is atomic: of two concurrent rotations of one token, exactly one wins.
        return bool(self._redis.delete(self._key("refresh", jti)))

    @any_redis_error_is_unavailable()
    def revoke_family(self, family: str, ttl_seconds: int) -> None:
        self._redis.set(self._key("family-revoked", family), 1, ex=max(ttl_seconds, 1))

    @any_redis_error_is_unavailable()
    def is_family_revoked(self, family: str) -> bool:
        return bool(self._redis.exists(self._key("family-revoked", family)))

    @any_redis_error_is_unavailable()
    def revoke_user(self, user_id: int, not_before: float, ttl_seconds: int) -> None:
        self._redis.set(
            self._key("user-not-before", str(user_id)), repr(not_before), ex=max(ttl_seconds, 1)
        )

    @any_redis_error_is_unavailable()
    def is_token_revoked(
        self, jti: str, family: str | None, user_id: int, issued_at: float
    ) -> bool:
        keys = revocation_keys(jti, family, user_id, self._prefix)
        return revoked_by(self._redis.mget(keys), issued_at)

    @any_redis_error_is_unavailable()
    def ping(self) -> None:
        self._redis.ping()
