"""Building an order from a cart against the variants locked for it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from shop.domain.cart.pricing import VariantSnapshot
from shop.domain.errors import Conflict, NotFound, ValidationFailed
from shop.domain.orders.model import Buyer, Order, OrderLine


@dataclass(frozen=True)
class ShortLine:
    variant_id: int
    requested: int
    available: int


class OutOfStock(Conflict):
    """Some lines ask for more than is in stock; `lines` lists every one of them."""

    title = "Insufficient stock"

    def __init__(
        self,
        detail: str = "Some lines of the cart ask for more than is in stock.",
        *,
        lines: Iterable[ShortLine] = (),
    ) -> None:
        super().__init__(detail)
        self.lines = tuple(lines)

    def extensions(self) -> dict[str, object]:
        """`errors.lines`: `{variant_id, requested, available}` for every short line."""
        lines = [
            {"variant_id": s.variant_id, "requested": s.requested, "available": s.available}
            for s in self.lines
        ]
        return {**super().extensions(), "errors": {"lines": lines}}


class VariantGone(NotFound):
    """A cart line's variant was deleted."""


class VariantInactive(Conflict):
    """A cart line's variant (or its product) is not for sale any more."""


def sum_lines(pairs: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Units per variant: two lines of one variant count together (they share its stock)."""
    totals: dict[int, int] = {}
    for variant_id, quantity in pairs:
        if quantity < 1:
            raise ValidationFailed({"quantity": ["Every line holds at least one unit."]})
        totals[variant_id] = totals.get(variant_id, 0) + quantity
    return dict(sorted(totals.items()))


def build_order(
    wanted: Mapping[int, int],
    variants: Mapping[int, VariantSnapshot],
    buyer: Buyer,
    currency: str,
    now: datetime,
) -> Order:
    """The order for `wanted` units per variant, priced from the locked `variants`.

    Raises ValidationFailed for an empty cart, VariantGone (404) for a deleted variant,
    VariantInactive (409) for one no longer for sale, and OutOfStock (409) listing every
    line that asks for more than its stock.
    """
    if not wanted:
        raise ValidationFailed({"cart": ["The cart is empty."]}, "The cart is empty.")
    gone = [vid for vid in wanted if vid not in variants]
    if gone:
        raise VariantGone(f"Variant {gone[0]} no longer exists.")
    inactive = [vid for vid in wanted if not variants[vid].is_active]
    if inactive:
        raise VariantInactive(f"Variant {inactive[0]} is no longer for sale.")
    short = [
        ShortLine(vid, qty, max(variants[vid].stock, 0))
        for vid, qty in wanted.items()
        if variants[vid].stock < qty
    ]
    if short:
        raise OutOfStock(lines=short)
    lines = tuple(_line(variants[vid], qty) for vid, qty in sorted(wanted.items()))
    return Order(buyer=buyer, lines=lines, currency=currency, created_at=now, updated_at=now)


def _line(variant: VariantSnapshot, quantity: int) -> OrderLine:
    return OrderLine(
        variant_id=variant.id,
        product_id=variant.product_id,
        sku=variant.sku,
        product_name=variant.product_name,
        attributes=variant.attributes,
        unit_price=variant.price,
        quantity=quantity,
    )
