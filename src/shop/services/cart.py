"""Cart use cases: show, add, set, remove, clear, and merge a guest cart into a user's cart.

Owners: a user's cart is named by the user id; a guest's by an opaque token. A guest token
that is unknown or expired is treated as no token: reads see an empty cart without a token,
and the first write creates a new guest cart with a new token (the returned view's `token`).
Prices, names and stock always come live from the catalog, in one lookup per cart.
Every function lets the stores' connection errors through (the API answers 503).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from shop.domain.cart import (
    Adjustment,
    CapReason,
    CartOwner,
    LineCap,
    PricedCart,
    VariantSnapshot,
    adjustments,
    check_quantity,
    line_cap,
    new_guest_token,
    price_cart,
)
from shop.domain.errors import Conflict, DomainError, NotFound, ValidationFailed
from shop.domain.money import Money
from shop.services.ports import CartStore, VariantLookup

T = TypeVar("T")
MERGE_ATTEMPTS = 5


@dataclass(frozen=True)
class CartRules:
    max_line_quantity: int
    currency: str


@dataclass(frozen=True)
class CartView:
    """A priced cart and whose it is; `token` is set for a guest who has a cart."""

    owner: CartOwner
    cart: PricedCart

    @property
    def token(self) -> str | None:
        return self.owner.token if self.owner.is_guest else None


def view_cart(
    store: CartStore, lookup: VariantLookup, rules: CartRules, owner: CartOwner
) -> CartView:
    """The owner's cart at live prices (empty, without a token, for a guest with no cart)."""
    lines = store.lines(owner) if owner.has_cart_name else None
    if lines is None:
        return _no_cart(rules)
    return _priced(store, lookup, rules, owner, lines)


def add_item(
    store: CartStore,
    lookup: VariantLookup,
    rules: CartRules,
    owner: CartOwner,
    variant_id: int,
    quantity: int,
) -> CartView:
    """Add `quantity` units of a variant to its line (a guest without a cart gets one).

    Raises ValidationFailed when `quantity` is outside 1..max_line_quantity or the line would
    exceed max_line_quantity, NotFound for an unknown or inactive variant, and Conflict (with
    `available` and `in_cart`) when the line would exceed the stock. A refused add changes
    nothing.
    """
    check_quantity(quantity, rules.max_line_quantity)
    variants = _cart_variants(store, lookup, owner, variant_id)
    cap = _cap_of_purchasable(variants, rules, variant_id)
    result, owner = _on_cart(
        owner, lambda o, create: store.add(o, variant_id, quantity, cap.limit, create=create)
    )
    if not result.applied:
        raise _over_cap(cap, result.quantity, rules)
    return _priced(store, lookup, rules, owner, result.lines, variants)


def set_item(
    store: CartStore,
    lookup: VariantLookup,
    rules: CartRules,
    owner: CartOwner,
    variant_id: int,
    quantity: int,
) -> CartView:
    """Set a line's quantity; 0 removes the line (even of a variant gone from the catalog).

    Raises ValidationFailed when `quantity` is outside 0..max_line_quantity, NotFound for an
    unknown or inactive variant, Conflict (with `available` and `in_cart`) when the stock is
    short.
    """
    check_quantity(quantity, rules.max_line_quantity, allow_zero=True)
    if quantity == 0:
        return remove_item(store, lookup, rules, owner, variant_id)
    variants = _cart_variants(store, lookup, owner, variant_id)
    cap = _cap_of_purchasable(variants, rules, variant_id)
    if quantity > cap.limit:
        current = (store.lines(owner) or {}) if owner.has_cart_name else {}
        raise _over_cap(cap, current.get(variant_id, 0), rules)
    lines, owner = _on_cart(
        owner, lambda o, create: store.set_quantity(o, variant_id, quantity, create=create)
    )
    return _priced(store, lookup, rules, owner, lines, variants)


def remove_item(
    store: CartStore, lookup: VariantLookup, rules: CartRules, owner: CartOwner, variant_id: int
) -> CartView:
    """Remove a line; removing what is not there is not an error. Never creates a cart."""
    if not owner.has_cart_name:
        return _no_cart(rules)
    lines = store.set_quantity(owner, variant_id, 0, create=not owner.is_guest)
    if lines is None:
        return _no_cart(rules)
    return _priced(store, lookup, rules, owner, lines)


def clear_cart(store: CartStore, owner: CartOwner) -> None:
    """Remove every line. A guest's emptied cart keeps its token until it expires."""
    if owner.has_cart_name:
        store.clear(owner)


def merge_carts(
    store: CartStore, lookup: VariantLookup, rules: CartRules, user_id: int, token: str | None
) -> tuple[Mapping[int, int] | None, list[Adjustment]]:
    """Move the guest cart `token` into the user's cart and delete it (one atomic step).

    Each line's quantities are summed and cut to the live stock and the line limit (a deleted
    or inactive variant's line to 0, i.e. removed); every cut line is an Adjustment. An
    unknown, expired or already merged token merges nothing: (None, []). Otherwise returns the
    user's lines after the merge. Raises Conflict if the guest cart kept changing meanwhile.
    """
    guest = CartOwner.guest(token)
    if guest.token is None:
        return None, []
    guest_lines = store.lines(guest)
    if guest_lines is None:
        return None, []
    caps: dict[int, LineCap] = {}
    wanted = set(guest_lines)
    for _ in range(MERGE_ATTEMPTS):
        new = wanted - caps.keys()
        variants = lookup.many(new) if new else {}
        caps.update({v: line_cap(variants.get(v), rules.max_line_quantity) for v in new})
        result = store.merge(guest.token, user_id, {v: cap.limit for v, cap in caps.items()})
        if result is None:
            return None, []  # a concurrent merge of the same guest cart won
        if not result.missing:
            return result.lines, adjustments(result.merged, caps)
        wanted |= set(result.missing)
    raise Conflict("The guest cart kept changing during the merge; retry.")


def merge_into_user_cart(
    store: CartStore, lookup: VariantLookup, rules: CartRules, user_id: int, token: str | None
) -> tuple[CartView, list[Adjustment]]:
    """`merge_carts`, then the user's cart at live prices. Raises as `merge_carts` does."""
    user = CartOwner.user(user_id)
    lines, cut = merge_carts(store, lookup, rules, user_id, token)
    if lines is None:
        lines = store.lines(user) or {}
    return _priced(store, lookup, rules, user, lines), cut


def _cart_variants(
    store: CartStore, lookup: VariantLookup, owner: CartOwner, variant_id: int
) -> dict[int, VariantSnapshot]:
    """Live data of `variant_id` and of the cart's lines, in one query: the Redis read is
    much cheaper than a second SQL round trip to price the cart after the write."""
    lines = (store.lines(owner) or {}) if owner.has_cart_name else {}
    return lookup.many({variant_id, *lines})


def _cap_of_purchasable(
    variants: Mapping[int, VariantSnapshot], rules: CartRules, variant_id: int
) -> LineCap:
    variant = variants.get(variant_id)
    if variant is None or not variant.is_active:
        raise NotFound("No such variant, or it is not for sale.")
    return line_cap(variant, rules.max_line_quantity)


def _on_cart(owner: CartOwner, write: Callable[[CartOwner, bool], T | None]) -> tuple[T, CartOwner]:
    """Apply a write to the owner's cart; a guest whose cart is missing gets a new one."""
    if owner.has_cart_name:
        result = write(owner, not owner.is_guest)
        if result is not None:
            return result, owner
    owner = CartOwner.guest(new_guest_token())
    created = write(owner, True)
    assert created is not None, "a store given create=True always has a cart"
    return created, owner


def _over_cap(cap: LineCap, in_cart: int, rules: CartRules) -> DomainError:
    if cap.reason is CapReason.LINE_LIMIT:
        return ValidationFailed(
            {"quantity": [f"A cart line holds at most {rules.max_line_quantity} units."]},
            f"The line would exceed {rules.max_line_quantity} units; it has {in_cart}.",
            available=cap.limit,
            in_cart=in_cart,
        )
    return Conflict(
        f"Only {cap.limit} units are in stock; the cart already has {in_cart}.",
        available=cap.limit,
        in_cart=in_cart,
    )


def _priced(
    store: CartStore,
    lookup: VariantLookup,
    rules: CartRules,
    owner: CartOwner,
    lines: Mapping[int, int],
    known: Mapping[int, VariantSnapshot] | None = None,
) -> CartView:
    """Price `lines`, looking up only the variants not `known` already (usually none)."""
    variants = dict(known or {})
    missing = set(lines) - variants.keys()
    if missing:
        variants.update(lookup.many(missing))
    priced = price_cart(lines, variants, rules.currency)
    if priced.gone:
        store.discard(owner, priced.gone)  # a deleted variant can never be bought again
    return CartView(owner, priced)


def _no_cart(rules: CartRules) -> CartView:
    return CartView(CartOwner.guest(None), PricedCart((), Money.zero(rules.currency)))
