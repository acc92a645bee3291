"""A priced cart's amounts are whole cents written with two places, as the API renders them
(`str` of the amount), however the subtotal is summed."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from shop.domain.cart.pricing import VariantSnapshot, price_cart
from shop.domain.money import Money

prices = st.decimals(min_value=Decimal("0"), max_value=Decimal("99999.99"), places=2)


def _variant(variant_id: int, price: Decimal) -> VariantSnapshot:
    return VariantSnapshot(variant_id, f"SKU-{variant_id}", 1, "Product", price, 10)


@given(st.dictionaries(st.integers(1, 40), st.tuples(prices, st.integers(1, 99)), max_size=50))
def test_every_amount_is_the_stepwise_moneys(cart: dict[int, tuple[Decimal, int]]) -> None:
    variants = {i: _variant(i, price) for i, (price, _) in cart.items()}
    priced = price_cart({i: quantity for i, (_, quantity) in cart.items()}, variants, "usd")
    expected = Money.zero("USD")
    for line in priced.lines:
        price, quantity = cart[line.variant.id]
        assert str(line.unit_price) == str(Money(price, "USD"))
        assert str(line.line_total) == str(Money(price, "USD") * quantity)
        expected = expected + line.line_total
    assert str(priced.subtotal) == str(expected)


def test_an_empty_cart_costs_zero_with_two_places() -> None:
    assert str(price_cart({}, {}, "eur").subtotal) == "0.00 EUR"
