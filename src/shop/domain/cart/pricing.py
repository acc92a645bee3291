"""Live pricing of a cart: each line at its variant's current price, read from the catalog."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from shop.domain.money import Money


@dataclass(frozen=True)
class VariantSnapshot:
    """What the cart needs to know about a variant, read live from the catalog.

    `is_active` is false when the variant or its product is inactive.
    """

    id: int
    sku: str
    product_id: int
    product_name: str
    price: Decimal
    stock: int
    is_active: bool = True
    attributes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class PricedLine:
    variant: VariantSnapshot
    quantity: int
    unit_price: Money
    line_total: Money

    @property
    def available(self) -> bool:
        """False when the variant is inactive or has less stock than the quantity."""
        return self.variant.is_active and self.variant.stock >= self.quantity


@dataclass(frozen=True)
class PricedCart:
    """A cart with live prices. `gone` lists lines whose variant no longer exists."""

    lines: tuple[PricedLine, ...]
    subtotal: Money
    gone: tuple[int, ...] = ()

    @property
    def count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def currency(self) -> str:
        return self.subtotal.currency


def price_cart(
    lines: Mapping[int, int], variants: Mapping[int, VariantSnapshot], currency: str
) -> PricedCart:
    """Price each line at its variant's current price; lines in variant id order.

    A line whose variant was deleted cannot be shown or bought: it is left out and listed in
    `gone`. Inactive or short lines stay, with `available` false, and count in the subtotal.
    """
    priced = []
    zero = Money.zero(currency)
    subtotal = zero.amount  # a sum of whole cents is exact: rounded once, at the end
    gone = []
    for variant_id, quantity in sorted(lines.items()):
        variant = variants.get(variant_id)
        if variant is None:
            gone.append(variant_id)
            continue
        unit = zero.with_amount(variant.price)
        total = unit * quantity
        subtotal += total.amount
        priced.append(PricedLine(variant, quantity, unit, total))
    return PricedCart(tuple(priced), zero.with_amount(subtotal), tuple(gone))
