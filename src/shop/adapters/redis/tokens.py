"""Token revocation and refresh-token state in Redis, shared by every API process.

A Redis that fails raises ServiceUnavailable.
"""

from __future__ import annotations

from redis import Redis

from shop.adapters.redis.client import any_redis_error_is_unavailable


class RedisTokenStore:
    def __init__(self, client: Redis, prefix: str = "shop:auth:") -> None:
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
    def ping(self) -> None:
        self._redis.ping()
