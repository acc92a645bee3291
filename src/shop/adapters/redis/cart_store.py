"""Carts in Redis: one hash per cart, each operation one atomic round trip.

`shop:cart:user:{id}` or `shop:cart:guest:{token}` -> `{variant_id: quantity, "_": "1"}`.
The `_` marker field keeps an emptied cart alive (Redis deletes an empty hash), so a guest's
token stays known until the cart expires. Writes that must read first (caps, "does this guest
cart exist?", merge) are small Lua scripts, registered once and run with EVALSHA; Redis runs a
script with nothing interleaved, so concurrent writes to one cart never lose an update. Every
write renews the cart's TTL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from redis import Redis

from shop.adapters.redis.cart_scripts import ADD, CLEAR, MERGE, SET
from shop.adapters.redis.catalog_version import VERSION_KEY
from shop.adapters.redis.client import redis_down_is_unavailable, round_trip, run_script
from shop.adapters.redis.tokens import PREFIX as TOKEN_PREFIX
from shop.adapters.redis.tokens import revocation_keys, revoked_by
from shop.domain.cart.cart import CartOwner, MergedLine
from shop.services.cart.ports import AddResult, Credential, MergeResult

MARKER = "_"  # the scripts of cart_scripts write it too


def _lines(reply: Sequence[Any] | Mapping[Any, Any]) -> dict[int, int]:
    """A hash's fields (a flat field, value, ... list, or a map) as {variant_id: quantity},
    the marker left out."""
    if isinstance(reply, Mapping):
        pairs: Iterable[tuple[Any, Any]] = reply.items()
    else:
        pairs = zip(reply[::2], reply[1::2], strict=True)
    return {int(field): int(value) for field, value in pairs if _text(field) != MARKER}


def _hash_lines(raw: Sequence[Any] | Mapping[Any, Any], owner: CartOwner) -> dict[int, int] | None:
    """An HGETALL reply as lines; None for a guest cart that does not exist."""
    if not raw:
        return None if owner.is_guest else {}
    return _lines(raw)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class RedisCartStore:
    def __init__(
        self,
        client: Redis,
        ttl_seconds: int,
        prefix: str = "shop:cart:",
        catalog_version_key: str = VERSION_KEY,
        token_prefix: str = TOKEN_PREFIX,
    ) -> None:
        self._redis = client
        self._token_prefix = token_prefix
        self._catalog_version_key = catalog_version_key
        self._ttl = ttl_seconds
        self._prefix = prefix
        self._add = client.register_script(ADD)
        self._set = client.register_script(SET)
        self._clear = client.register_script(CLEAR)
        self._merge = client.register_script(MERGE)

    def key(self, owner: CartOwner) -> str:
        if owner.user_id is not None:
            return f"{self._prefix}user:{owner.user_id}"
        if owner.token is None:
            raise ValueError("a guest without a token has no cart")
        return f"{self._prefix}guest:{owner.token}"

    @redis_down_is_unavailable()
    def lines(self, owner: CartOwner) -> dict[int, int] | None:
        key = self.key(owner)
        (flat,) = round_trip(
            self._redis, lambda connection: connection.pack_command("HGETALL", key), 1
        )
        return _hash_lines(flat, owner)

    @redis_down_is_unavailable()
    def lines_and_catalog_version(
        self, owner: CartOwner
    ) -> tuple[dict[int, int] | None, str | None]:
        """HGETALL and the version's GET: a cart read is one round trip."""
        _, lines, version = self._read(owner)
        return lines, version

    @redis_down_is_unavailable()
    def checked_lines_and_catalog_version(
        self, owner: CartOwner, credential: Credential
    ) -> tuple[dict[int, int] | None, str | None] | None:
        """The token's revocation MGET sent with the cart read: still one round trip."""
        keys = revocation_keys(
            credential.jti, credential.family, credential.user_id, self._token_prefix
        )
        revocation, lines, version = self._read(owner, keys)
        if revoked_by(revocation, credential.issued_at):
            return None
        return lines, version

    def _read(
        self, owner: CartOwner, also_get: list[str] | None = None
    ) -> tuple[list[Any], dict[int, int] | None, str | None]:
        """One round trip: the values of `also_get` (MGET), the cart's hash, the version."""
        commands: list[tuple[str, ...]] = [("MGET", *also_get)] if also_get else []
        commands += [("HGETALL", self.key(owner)), ("GET", self._catalog_version_key)]
        *extra, flat, version = round_trip(
            self._redis, lambda connection: connection.pack_commands(commands), len(commands)
        )
        values = extra[0] if extra else []
        return values, _hash_lines(flat, owner), None if version is None else str(version)

    @redis_down_is_unavailable()
    def add(
        self, owner: CartOwner, variant_id: int, quantity: int, cap: int, *, create: bool
    ) -> AddResult | None:
        reply = run_script(
            self._redis,
            self._add,
            [self.key(owner)],
            [variant_id, quantity, cap, self._ttl, int(create)],
        )
        if reply is None:
            return None
        applied, line_quantity, flat = reply
        return AddResult(bool(applied), int(line_quantity), _lines(flat))

    @redis_down_is_unavailable()
    def set_quantity(
        self, owner: CartOwner, variant_id: int, quantity: int, *, create: bool
    ) -> dict[int, int] | None:
        reply = run_script(
            self._redis,
            self._set,
            [self.key(owner)],
            [variant_id, quantity, self._ttl, int(create)],
        )
        return None if reply is None else _lines(reply)

    @redis_down_is_unavailable()
    def clear(self, owner: CartOwner) -> bool:
        return bool(self._clear(keys=[self.key(owner)], args=[self._ttl]))

    @redis_down_is_unavailable()
    def discard(self, owner: CartOwner, variant_ids: Iterable[int]) -> None:
        fields = [str(v) for v in variant_ids]
        if fields:
            self._redis.hdel(self.key(owner), *fields)

    @redis_down_is_unavailable()
    def merge(self, token: str, user_id: int, caps: Mapping[int, int]) -> MergeResult | None:
        guest = CartOwner.guest(token)
        if guest.token is None:
            return None
        args: list[int] = [self._ttl]
        for variant_id, cap in caps.items():
            args += [variant_id, cap]
        reply = self._merge(keys=[self.key(guest), self.key(CartOwner.user(user_id))], args=args)
        if reply is None:
            return None
        if _text(reply[0]) == "missing":
            return MergeResult(missing=tuple(sorted(int(v) for v in reply[1])))
        flat_merged, flat_lines = reply[1], reply[2]
        merged = tuple(
            MergedLine(int(flat_merged[i]), int(flat_merged[i + 1]), int(flat_merged[i + 2]))
            for i in range(0, len(flat_merged), 3)
        )
        return MergeResult(merged=merged, lines=_lines(flat_lines))

    @redis_down_is_unavailable()
    def ping(self) -> None:
        self._redis.ping()
