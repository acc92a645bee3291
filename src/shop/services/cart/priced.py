"""A cart as the use cases return it: priced at live prices, with whose cart it is."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from shop.domain.cart.cart import CartOwner
from shop.domain.cart.pricing import PricedCart, VariantSnapshot, price_cart
from shop.domain.money import Money
from shop.services.cart.ports import CartDependencies, CartRules, VariantLookup


@dataclass(frozen=True)
class CartView:
    """A priced cart and whose it is; `token` is set for a guest who has a cart."""

    owner: CartOwner
    cart: PricedCart

    @property
    def token(self) -> str | None:
        return self.owner.token if self.owner.is_guest else None


def priced_view(
    deps: CartDependencies,
    lookup: VariantLookup,
    owner: CartOwner,
    lines: Mapping[int, int],
    known: Mapping[int, VariantSnapshot] | None = None,
) -> CartView:
    """Price `lines`, looking up only the variants not `known` already (usually none)."""
    variants = dict(known or {})
    missing = set(lines) - variants.keys()
    if missing:
        variants.update(lookup.many(missing))
    priced = price_cart(lines, variants, deps.rules.currency)
    if priced.gone:
        deps.store.discard(owner, priced.gone)  # a deleted variant can never be bought again
    return CartView(owner, priced)


def empty_view(rules: CartRules) -> CartView:
    """No cart at all: a guest without a token, nothing in it."""
    return CartView(CartOwner.guest(None), PricedCart((), Money.zero(rules.currency)))
