"""In-process twin of the Redis cart store, for the embedded default (one process).

Same contract as `RedisCartStore`: one lock makes every operation atomic, carts expire
`ttl_seconds` after their last write, and an emptied cart stays known until it expires.
Given a `StateFile` (and then a wall clock), every change is written through to it and the
carts are loaded from it at start, so a restart loses no cart.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from shop.adapters.memory.state_file import StateFile
from shop.domain.cart.cart import Cart, CartOwner
from shop.services.cart.ports import AddResult, Credential, MergeResult

NAMESPACE = "carts"


@dataclass
class _Entry:
    cart: Cart
    expires_at: float


class TokenRevocations(Protocol):
    def is_token_revoked(
        self, jti: str, family: str | None, user_id: int, issued_at: float
    ) -> bool: ...


def _name(owner: CartOwner) -> str:
    return f"user:{owner.user_id}" if owner.user_id is not None else f"guest:{owner.token}"


class InMemoryCartStore:
    def __init__(
        self,
        ttl_seconds: int,
        clock: Callable[[], float] = time.monotonic,
        state: StateFile | None = None,
        tokens: TokenRevocations | None = None,
    ) -> None:
        self._ttl = ttl_seconds
        self._tokens = tokens
        self._clock = clock
        self._carts: dict[str, _Entry] = {}
        self._lock = threading.Lock()
        self._writes = 0
        self._state = state
        if state is not None:
            for name, lines, expires_at in state.live(NAMESPACE):
                loaded = {int(v): q for v, q in json.loads(lines).items()}
                self._carts[name] = _Entry(Cart(loaded), expires_at)

    def _save(self, owner: CartOwner) -> None:
        """Write the owner's cart through to the state file (call with the lock held)."""
        if self._state is None:
            return
        name = _name(owner)
        entry = self._carts.get(name)
        if entry is None:
            self._state.delete(NAMESPACE, name)
        else:
            self._state.put(NAMESPACE, name, json.dumps(entry.cart.lines), entry.expires_at)

    # -- helpers (call with the lock held) ---------------------------------------------------

    def _live(self, name: str) -> Cart | None:
        entry = self._carts.get(name)
        if entry is None:
            return None
        if entry.expires_at <= self._clock():
            del self._carts[name]
            return None
        return entry.cart

    def _for_write(self, owner: CartOwner, create: bool) -> Cart | None:
        cart = self._live(_name(owner))
        if cart is None and create:
            cart = Cart()
            self._carts[_name(owner)] = _Entry(cart, 0.0)
        return cart

    def _renew(self, owner: CartOwner) -> None:
        self._carts[_name(owner)].expires_at = self._clock() + self._ttl
        self._save(owner)
        self._writes += 1
        if self._writes % 1024 == 0:
            self._purge()

    def _purge(self) -> None:
        now = self._clock()
        for name in [n for n, e in self._carts.items() if e.expires_at <= now]:
            del self._carts[name]

    # -- the CartStore port ------------------------------------------------------------------

    def lines(self, owner: CartOwner) -> dict[int, int] | None:
        with self._lock:
            cart = self._live(_name(owner))
        if cart is None:
            return None if owner.is_guest else {}
        return cart.lines

    def lines_and_catalog_version(self, owner: CartOwner) -> tuple[dict[int, int] | None, None]:
        return self.lines(owner), None  # the version lives elsewhere; reading it is free

    def checked_lines_and_catalog_version(
        self, owner: CartOwner, credential: Credential
    ) -> tuple[dict[int, int] | None, None] | None:
        if self._tokens is None:
            raise RuntimeError("this cart store was built without the token store to check")
        c = credential
        if self._tokens.is_token_revoked(c.jti, c.family, c.user_id, c.issued_at):
            return None
        return self.lines_and_catalog_version(owner)

    def add(
        self, owner: CartOwner, variant_id: int, quantity: int, cap: int, *, create: bool
    ) -> AddResult | None:
        with self._lock:
            existing = self._live(_name(owner))
            if existing is None and not create:
                return None
            current = existing.quantity(variant_id) if existing is not None else 0
            if current + quantity > cap:
                return AddResult(False, current, existing.lines if existing else {})
            cart = self._for_write(owner, create=True)
            assert cart is not None
            cart.add(variant_id, quantity, cap)
            self._renew(owner)
            return AddResult(True, cart.quantity(variant_id), cart.lines)

    def set_quantity(
        self, owner: CartOwner, variant_id: int, quantity: int, *, create: bool
    ) -> dict[int, int] | None:
        with self._lock:
            cart = self._for_write(owner, create=create and quantity > 0)
            if cart is None:
                return None if owner.is_guest and not create else {}
            cart.set_quantity(variant_id, quantity)
            self._renew(owner)
            return cart.lines

    def clear(self, owner: CartOwner) -> bool:
        with self._lock:
            cart = self._live(_name(owner))
            if cart is None:
                return False
            cart.clear()
            self._renew(owner)
            return True

    def discard(self, owner: CartOwner, variant_ids: Iterable[int]) -> None:
        with self._lock:
            cart = self._live(_name(owner))
            if cart is None:
                return
            for variant_id in variant_ids:
                cart.remove(variant_id)
            self._save(owner)

    def merge(self, token: str, user_id: int, caps: Mapping[int, int]) -> MergeResult | None:
        guest_owner, user_owner = CartOwner.guest(token), CartOwner.user(user_id)
        if guest_owner.token is None:
            return None
        with self._lock:
            guest = self._live(_name(guest_owner))
            if guest is None:
                return None
            missing = tuple(sorted(v for v in guest.lines if v not in caps))
            if missing:
                return MergeResult(missing=missing)
            user = self._for_write(user_owner, create=True)
            assert user is not None
            merged = user.merge(guest.lines, caps)
            self._renew(user_owner)
            del self._carts[_name(guest_owner)]
            self._save(guest_owner)
            return MergeResult(merged=tuple(merged), lines=user.lines)

    def ping(self) -> None:
        return None
