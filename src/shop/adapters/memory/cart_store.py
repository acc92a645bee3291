"""In-process twin of the Redis cart store, for the embedded default (one process).

Same contract as `RedisCartStore`: one lock makes every operation atomic, carts expire
`ttl_seconds` after their last write, and an emptied cart stays known until it expires.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from shop.domain.cart.cart import Cart, CartOwner
from shop.services.cart.ports import AddResult, MergeResult


@dataclass
class _Entry:
    cart: Cart
    expires_at: float


def _name(owner: CartOwner) -> str:
    return f"user:{owner.user_id}" if owner.user_id is not None else f"guest:{owner.token}"


class InMemoryCartStore:
    def __init__(self, ttl_seconds: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl_seconds
        self._clock = clock
        self._carts: dict[str, _Entry] = {}
        self._lock = threading.Lock()
        self._writes = 0

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
            return MergeResult(merged=tuple(merged), lines=user.lines)

    def ping(self) -> None:
        return None
