"""Money is exact: Decimal, two places, one currency."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shop.domain.errors import ValidationFailed
from shop.domain.money import Money, to_amount

amounts = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False)


def test_amounts_are_rounded_half_up_to_cents() -> None:
    assert to_amount("1.005") == Decimal("1.01")
    assert to_amount(3) == Decimal("3.00")
    assert str(to_amount("19.9")) == "19.90"


@pytest.mark.parametrize("bad", ["abc", "NaN", "Infinity", ""])
def test_non_numbers_are_refused(bad: str) -> None:
    with pytest.raises(ValidationFailed):
        to_amount(bad)


@given(amounts, st.integers(min_value=0, max_value=999))
def test_multiplication_is_exact(price: Decimal, quantity: int) -> None:
    assert (Money(price, "USD") * quantity).amount == price * quantity


@given(st.lists(amounts, max_size=20))
def test_sums_are_exact(prices: list[Decimal]) -> None:
    total = sum((Money(p, "usd") for p in prices), Money.zero("USD"))
    assert total.amount == sum(prices, Decimal("0"))
    assert total.currency == "USD"


def test_currencies_do_not_mix() -> None:
    with pytest.raises(ValueError, match="cannot mix"):
        Money(Decimal(1), "USD") + Money(Decimal(1), "EUR")


def _exactly(money: Money) -> tuple[type, str, str]:
    return type(money), str(money.amount), money.currency  # str: "3.00", not "3"


@given(amounts, st.integers(min_value=0, max_value=999), amounts)
def test_arithmetic_gives_the_money_built_from_its_amount(
    price: Decimal, quantity: int, other: Decimal
) -> None:
    product = Money(price, "usd") * quantity
    assert _exactly(product) == _exactly(Money(price * quantity, "USD"))
    total = Money(price, "eur") + Money(other, "EUR")
    assert _exactly(total) == _exactly(Money(price + other, "EUR"))
    assert _exactly(Money.zero("gbp").with_amount(price)) == _exactly(Money(price, "GBP"))


@pytest.mark.parametrize("bad", ["abc", "NaN", "Infinity", ""])
def test_another_amount_in_the_same_currency_is_checked_too(bad: str) -> None:
    with pytest.raises(ValidationFailed):
        Money.zero("USD").with_amount(bad)


def test_a_product_too_large_for_two_places_is_refused() -> None:
    with pytest.raises(ValidationFailed):
        Money(Decimal("9" * 25), "USD") * 10**6
