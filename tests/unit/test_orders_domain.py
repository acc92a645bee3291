"""The order aggregate, its totals, build_order and the status machine."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shop.domain.cart.pricing import VariantSnapshot
from shop.domain.errors import InvalidTransition, NotFound, ValidationFailed
from shop.domain.orders.checkout import (
    OutOfStock,
    VariantInactive,
    build_order,
    sum_lines,
)
from shop.domain.orders.model import Address, Buyer
from shop.domain.orders.status import ALLOWED_MOVES, OrderStatus

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
BUYER = Buyer("a@example.com", "Ann", "1", Address("1 Road", "Town", "123", "DE"))


def snapshot(
    variant_id: int, stock: int, price: str = "10.00", active: bool = True
) -> VariantSnapshot:
    return VariantSnapshot(
        id=variant_id,
        sku=f"SKU-{variant_id}",
        product_id=100 + variant_id,
        product_name=f"Product {variant_id}",
        price=Decimal(price),
        stock=stock,
        is_active=active,
        attributes=(("Color", "Blue"),),
    )


def test_an_order_snapshots_each_line_and_totals_exactly() -> None:
    variants = {1: snapshot(1, 5, "0.10"), 2: snapshot(2, 5, "19.99")}
    order = build_order({1: 3, 2: 2}, variants, BUYER, "USD", NOW)
    assert [(x.sku, x.product_name, x.attributes, x.quantity) for x in order.lines] == [
        ("SKU-1", "Product 1", (("Color", "Blue"),), 3),
        ("SKU-2", "Product 2", (("Color", "Blue"),), 2),
    ]
    assert order.subtotal == Decimal("40.28")
    assert order.total == order.subtotal
    assert order.status is OrderStatus.PENDING
    assert order.quantities == {1: 3, 2: 2}


def test_out_of_stock_lists_every_short_line() -> None:
    variants = {1: snapshot(1, 1), 2: snapshot(2, 5), 3: snapshot(3, 0)}
    with pytest.raises(OutOfStock) as caught:
        build_order({1: 2, 2: 5, 3: 1}, variants, BUYER, "USD", NOW)
    assert caught.value.extensions()["errors"] == {
        "lines": [
            {"variant_id": 1, "requested": 2, "available": 1},
            {"variant_id": 3, "requested": 1, "available": 0},
        ]
    }


def test_a_deleted_variant_is_not_found_and_an_inactive_one_a_conflict() -> None:
    with pytest.raises(NotFound):
        build_order({1: 1}, {}, BUYER, "USD", NOW)
    with pytest.raises(VariantInactive):
        build_order({1: 1}, {1: snapshot(1, 5, active=False)}, BUYER, "USD", NOW)


def test_an_empty_cart_builds_no_order() -> None:
    with pytest.raises(ValidationFailed):
        build_order({}, {}, BUYER, "USD", NOW)


def test_two_lines_of_one_variant_are_summed() -> None:
    assert sum_lines([(2, 1), (1, 4), (2, 3)]) == {1: 4, 2: 4}
    with pytest.raises(OutOfStock):
        build_order(sum_lines([(1, 3), (1, 3)]), {1: snapshot(1, 5)}, BUYER, "USD", NOW)


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (OrderStatus.PENDING, OrderStatus.SHIPPED),
        (OrderStatus.PAID, OrderStatus.PENDING),
        (OrderStatus.SHIPPED, OrderStatus.CANCELLED),
        (OrderStatus.DELIVERED, OrderStatus.CANCELLED),
        (OrderStatus.CANCELLED, OrderStatus.PAID),
    ],
)
def test_a_move_outside_the_machine_is_an_invalid_transition(
    start: OrderStatus, target: OrderStatus
) -> None:
    order = build_order({1: 1}, {1: snapshot(1, 1)}, BUYER, "USD", NOW)
    order.status = start
    with pytest.raises(InvalidTransition):
        order.move_to(target, NOW)
    assert order.status is start


def test_a_customer_cancels_only_a_pending_order_and_an_admin_a_paid_one_too() -> None:
    order = build_order({1: 1}, {1: snapshot(1, 1)}, BUYER, "USD", NOW)
    order.move_to(OrderStatus.PAID, NOW)
    with pytest.raises(InvalidTransition):
        order.cancel(NOW, by_admin=False)
    order.cancel(NOW, by_admin=True)
    assert order.status is OrderStatus.CANCELLED


@given(st.lists(st.sampled_from(list(OrderStatus)), max_size=20))
def test_no_sequence_of_moves_leaves_the_machine(targets: list[OrderStatus]) -> None:
    order = build_order({1: 1}, {1: snapshot(1, 1)}, BUYER, "USD", NOW)
    for target in targets:
        before = order.status
        try:
            order.move_to(target, NOW)
        except InvalidTransition:
            assert order.status is before
            assert target not in ALLOWED_MOVES[before]
        else:
            assert target in ALLOWED_MOVES[before]
    assert all(b in ALLOWED_MOVES[a] for a, b in order.history)
    cancels = [b for _, b in order.history if b is OrderStatus.CANCELLED]
    assert len(cancels) <= 1  # stock comes back at most once


@given(
    st.dictionaries(st.integers(1, 6), st.integers(0, 8), min_size=1),
    st.dictionaries(st.integers(1, 6), st.integers(1, 8), min_size=1),
)
def test_an_order_is_built_only_when_every_line_has_the_stock(
    stock: dict[int, int], wanted: dict[int, int]
) -> None:
    variants = {i: snapshot(i, s) for i, s in stock.items()}
    gone = any(i not in stock for i in wanted)
    short = {i for i, q in wanted.items() if i in stock and stock[i] < q}
    if gone:
        with pytest.raises(NotFound):
            build_order(wanted, variants, BUYER, "USD", NOW)
    elif short:
        with pytest.raises(OutOfStock) as caught:
            build_order(wanted, variants, BUYER, "USD", NOW)
        assert {s.variant_id for s in caught.value.lines} == short
    else:
        order = build_order(wanted, variants, BUYER, "USD", NOW)
        assert all(stock[i] - q >= 0 for i, q in order.quantities.items())
