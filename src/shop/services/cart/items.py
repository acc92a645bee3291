"""Cart use cases: show the cart, add to a line, set or remove a line, clear the cart.

Owners: a user's cart is named by the user id; a guest's by an opaque token. A guest token
that is unknown or expired is treated as no token: reads see an empty cart without a token,
and the first write creates a new guest cart with a new token (the returned view's `token`).
Prices, names and stock always come live from the catalog, in one lookup per cart.
A store that does not answer raises ServiceUnavailable (the API answers 503).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from shop.domain.cart.cart import (
    CapReason,
    CartOwner,
    LineCap,
    check_quantity,
    line_cap,
    new_guest_token,
)
from shop.domain.cart.pricing import VariantSnapshot
from shop.domain.errors import Conflict, DomainError, NotFound, TokenRevoked, ValidationFailed
from shop.services.cart.ports import CartDependencies, CartRules, Credential
from shop.services.cart.priced import CartView, empty_view, priced_view

T = TypeVar("T")


def view_cart(deps: CartDependencies, owner: CartOwner) -> CartView:
    """The owner's cart at live prices (empty, without a token, for a guest with no cart)."""
    if not owner.has_cart_name:
        return empty_view(deps.rules)
    lines, catalog_version = deps.store.lines_and_catalog_version(owner)
    if lines is None:
        return empty_view(deps.rules)
    return priced_view(deps, deps.shown_variants.at_version(catalog_version), owner, lines)


def view_signed_in_cart(deps: CartDependencies, credential: Credential) -> CartView:
    """The signed-in caller's cart at live prices, the token's revocation read with it.

    Raises TokenRevoked, having priced nothing, when the credential is revoked.
    """
    owner = CartOwner.user(credential.user_id)
    read = deps.store.checked_lines_and_catalog_version(owner, credential)
    if read is None:
        raise TokenRevoked()
    lines, catalog_version = read
    shown = deps.shown_variants.at_version(catalog_version)
    return priced_view(deps, shown, owner, lines or {})


def add_item(deps: CartDependencies, owner: CartOwner, variant_id: int, quantity: int) -> CartView:
    """Add `quantity` units of a variant to its line (a guest without a cart gets one).

    Raises ValidationFailed when `quantity` is outside 1..max_line_quantity or the line would
    exceed max_line_quantity, NotFound for an unknown or inactive variant, and Conflict (with
    `available` and `in_cart`) when the line would exceed the stock. A refused add changes
    nothing.
    """
    check_quantity(quantity, deps.rules.max_line_quantity)
    variants = _cart_variants(deps, owner, variant_id)
    cap = _cap_of_purchasable(variants, deps.rules, variant_id)
    result, owner = _on_cart(
        owner, lambda o, create: deps.store.add(o, variant_id, quantity, cap.limit, create=create)
    )
    if not result.applied:
        raise _over_cap(cap, result.quantity, deps.rules)
    return priced_view(deps, deps.live_variants, owner, result.lines, variants)


def set_item(deps: CartDependencies, owner: CartOwner, variant_id: int, quantity: int) -> CartView:
    """Set a line's quantity; 0 removes the line (even of a variant gone from the catalog).

    Raises ValidationFailed when `quantity` is outside 0..max_line_quantity, NotFound for an
    unknown or inactive variant, Conflict (with `available` and `in_cart`) when the stock is
    short.
    """
    check_quantity(quantity, deps.rules.max_line_quantity, allow_zero=True)
    if quantity == 0:
        return remove_item(deps, owner, variant_id)
    variants = _cart_variants(deps, owner, variant_id)
    cap = _cap_of_purchasable(variants, deps.rules, variant_id)
    if quantity > cap.limit:
        current = (deps.store.lines(owner) or {}) if owner.has_cart_name else {}
        raise _over_cap(cap, current.get(variant_id, 0), deps.rules)
    lines, owner = _on_cart(
        owner, lambda o, create: deps.store.set_quantity(o, variant_id, quantity, create=create)
    )
    return priced_view(deps, deps.live_variants, owner, lines, variants)


def remove_item(deps: CartDependencies, owner: CartOwner, variant_id: int) -> CartView:
    """Remove a line; removing what is not there is not an error. Never creates a cart."""
    if not owner.has_cart_name:
        return empty_view(deps.rules)
    lines = deps.store.set_quantity(owner, variant_id, 0, create=not owner.is_guest)
    if lines is None:
        return empty_view(deps.rules)
    return priced_view(deps, deps.live_variants, owner, lines)


def clear_cart(deps: CartDependencies, owner: CartOwner) -> None:
    """Remove every line. A guest's emptied cart keeps its token until it expires."""
    if owner.has_cart_name:
        deps.store.clear(owner)


def _cart_variants(
    deps: CartDependencies, owner: CartOwner, variant_id: int
) -> dict[int, VariantSnapshot]:
    """Live data of `variant_id` and of the cart's lines, in one query: the Redis read is
    much cheaper than a second SQL round trip to price the cart after the write."""
    lines = (deps.store.lines(owner) or {}) if owner.has_cart_name else {}
    return deps.live_variants.many({variant_id, *lines})


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
