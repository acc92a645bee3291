"""The cart's rules: line arithmetic, caps, merging and live pricing (hypothesis for the maths)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shop.domain.cart.cart import (
    Adjustment,
    CapReason,
    Cart,
    CartOwner,
    LineCap,
    MergedLine,
    adjustments,
    check_quantity,
    is_token_shaped,
    line_cap,
    new_guest_token,
)
from shop.domain.cart.pricing import VariantSnapshot, price_cart
from shop.domain.errors import ValidationFailed

variant_ids = st.integers(min_value=1, max_value=30)
quantities = st.integers(min_value=1, max_value=200)
carts = st.dictionaries(variant_ids, quantities, max_size=12)
caps = st.integers(min_value=0, max_value=250)
prices = st.decimals(min_value=Decimal("0"), max_value=Decimal("99999.99"), places=2)


def snapshot(variant_id: int = 1, **overrides: object) -> VariantSnapshot:
    fields: dict[str, object] = {
        "id": variant_id,
        "sku": f"SKU-{variant_id}",
        "product_id": 100 + variant_id,
        "product_name": f"Product {variant_id}",
        "price": Decimal("10.00"),
        "stock": 5,
        **overrides,
    }
    return VariantSnapshot(**fields)  # type: ignore[arg-type]


# -- adding, setting, removing ------------------------------------------------------------------


@given(carts, variant_ids, quantities, caps)
def test_an_add_within_the_cap_sums_and_one_beyond_it_changes_nothing(
    lines: dict[int, int], variant_id: int, quantity: int, cap: int
) -> None:
    cart = Cart(lines)
    before = cart.quantity(variant_id)
    applied = cart.add(variant_id, quantity, cap)
    assert applied == (before + quantity <= cap)
    if applied:
        assert cart.quantity(variant_id) == before + quantity
        assert cart.lines == {**lines, variant_id: before + quantity}
    else:
        assert cart.lines == lines


@given(st.lists(st.tuples(variant_ids, st.integers(min_value=1, max_value=5)), max_size=60))
def test_adds_within_the_cap_are_never_lost(adds: list[tuple[int, int]]) -> None:
    cart = Cart()
    for variant_id, quantity in adds:
        assert cart.add(variant_id, quantity, cap=10**6)
    expected: dict[int, int] = {}
    for variant_id, quantity in adds:
        expected[variant_id] = expected.get(variant_id, 0) + quantity
    assert cart.lines == expected
    assert cart.count == sum(q for _, q in adds)


@given(carts, variant_ids, st.integers(min_value=0, max_value=200))
def test_setting_a_quantity_replaces_the_line_and_zero_removes_it(
    lines: dict[int, int], variant_id: int, quantity: int
) -> None:
    cart = Cart(lines)
    cart.set_quantity(variant_id, quantity)
    assert cart.quantity(variant_id) == quantity
    assert (variant_id in cart.lines) == (quantity > 0)
    assert {v: q for v, q in cart.lines.items() if v != variant_id} == {
        v: q for v, q in lines.items() if v != variant_id
    }


@given(carts)
def test_no_kept_line_is_ever_empty_and_count_is_the_sum_of_units(lines: dict[int, int]) -> None:
    cart = Cart(lines)
    for variant_id in list(lines)[::2]:
        cart.remove(variant_id)
    assert all(q >= 1 for q in cart.lines.values())
    assert cart.count == sum(cart.lines.values())


def test_clear_removes_every_line() -> None:
    cart = Cart({1: 2, 3: 4})
    cart.clear()
    assert cart.lines == {}
    assert cart.count == 0


def test_quantities_are_never_negative_and_an_add_adds_something() -> None:
    with pytest.raises(ValueError, match="negative"):
        Cart().set_quantity(1, -1)
    with pytest.raises(ValueError, match="at least one"):
        Cart().add(1, 0, cap=5)


# -- caps ---------------------------------------------------------------------------------------


@given(st.integers(min_value=0, max_value=500), st.integers(min_value=1, max_value=300))
def test_a_line_cap_is_the_smaller_of_stock_and_line_limit(stock: int, max_line: int) -> None:
    cap = line_cap(snapshot(stock=stock), max_line)
    assert cap.limit == min(stock, max_line)
    assert cap.reason == (CapReason.STOCK if stock < max_line else CapReason.LINE_LIMIT)


@pytest.mark.parametrize("variant", [None, snapshot(is_active=False, stock=50)])
def test_a_deleted_or_inactive_variant_has_no_room_at_all(variant: VariantSnapshot | None) -> None:
    assert line_cap(variant, 99) == LineCap(0, CapReason.UNAVAILABLE)


@pytest.mark.parametrize(("quantity", "ok"), [(0, False), (1, True), (99, True), (100, False)])
def test_a_requested_quantity_is_between_one_and_the_line_limit(quantity: int, ok: bool) -> None:
    if ok:
        assert check_quantity(quantity, 99) == quantity
    else:
        with pytest.raises(ValidationFailed) as caught:
            check_quantity(quantity, 99)
        assert "quantity" in caught.value.errors


def test_setting_zero_is_allowed_where_it_removes() -> None:
    assert check_quantity(0, 99, allow_zero=True) == 0
    with pytest.raises(ValidationFailed):
        check_quantity(-1, 99, allow_zero=True)


# -- merging ------------------------------------------------------------------------------------


@st.composite
def merges(draw: st.DrawFn) -> tuple[dict[int, int], dict[int, int], dict[int, int]]:
    user = draw(carts)
    guest = draw(carts)
    limits = {v: draw(caps) for v in guest}
    return user, guest, limits


@given(merges())
def test_a_merge_sums_each_guest_line_and_cuts_it_to_its_cap(
    case: tuple[dict[int, int], dict[int, int], dict[int, int]],
) -> None:
    user, guest, limits = case
    cart = Cart(user)
    merged = cart.merge(guest, limits)
    for variant_id, quantity in guest.items():
        requested = user.get(variant_id, 0) + quantity
        assert cart.quantity(variant_id) == min(requested, limits[variant_id])
    for variant_id in user.keys() - guest.keys():
        assert cart.quantity(variant_id) == user[variant_id]  # lines only the user has stay
    assert sorted(m.variant_id for m in merged) == sorted(guest)
    assert all(m.requested == user.get(m.variant_id, 0) + guest[m.variant_id] for m in merged)
    assert all(m.granted == cart.quantity(m.variant_id) for m in merged)
    assert cart.count <= sum(user.values()) + sum(guest.values())


@given(merges())
def test_adjustments_list_exactly_the_cut_lines_with_the_caps_reason(
    case: tuple[dict[int, int], dict[int, int], dict[int, int]],
) -> None:
    user, guest, limits = case
    reasons = [CapReason.STOCK, CapReason.LINE_LIMIT, CapReason.UNAVAILABLE]
    line_caps = {v: LineCap(c, reasons[v % 3]) for v, c in limits.items()}
    merged = Cart(user).merge(guest, limits)
    cut = adjustments(merged, line_caps)
    assert [a.variant_id for a in cut] == sorted(
        m.variant_id for m in merged if m.granted < m.requested
    )
    assert all(a.reason == line_caps[a.variant_id].reason for a in cut)
    assert all(a.quantity < a.requested for a in cut)


def test_merging_an_inactive_variant_removes_its_line_and_says_so() -> None:
    cart = Cart({7: 2})
    merged = cart.merge({7: 1}, {7: 0})
    assert cart.lines == {}
    assert adjustments(merged, {7: LineCap(0, CapReason.UNAVAILABLE)}) == [
        Adjustment(variant_id=7, requested=3, quantity=0, reason=CapReason.UNAVAILABLE)
    ]


def test_a_merge_within_the_caps_needs_no_adjustment() -> None:
    merged = Cart({1: 1}).merge({1: 2, 2: 3}, {1: 10, 2: 10})
    assert merged == [MergedLine(1, 3, 3), MergedLine(2, 3, 3)]
    assert (
        adjustments(merged, {1: LineCap(10, CapReason.STOCK), 2: LineCap(10, CapReason.STOCK)})
        == []
    )


# -- pricing ------------------------------------------------------------------------------------


@given(st.dictionaries(variant_ids, st.tuples(quantities, prices), max_size=10))
def test_totals_are_exact_decimal_sums_of_live_prices(
    cases: dict[int, tuple[int, Decimal]],
) -> None:
    lines = {v: q for v, (q, _) in cases.items()}
    variants = {v: snapshot(v, price=p, stock=1000) for v, (_, p) in cases.items()}
    priced = price_cart(lines, variants, "EUR")
    assert priced.subtotal.amount == sum((p * q for q, p in cases.values()), Decimal("0.00"))
    assert priced.subtotal.currency == "EUR"
    assert priced.count == sum(lines.values())
    assert [line.variant.id for line in priced.lines] == sorted(lines)
    for line in priced.lines:
        quantity, price = cases[line.variant.id]
        assert line.unit_price.amount == price
        assert line.line_total.amount == price * quantity
        assert line.line_total.amount.as_tuple().exponent == -2


def test_a_line_is_unavailable_when_inactive_or_short_of_stock() -> None:
    variants = {
        1: snapshot(1, stock=2),
        2: snapshot(2, stock=1),
        3: snapshot(3, stock=9, is_active=False),
    }
    priced = price_cart({1: 2, 2: 2, 3: 1}, variants, "USD")
    assert [line.available for line in priced.lines] == [True, False, False]


def test_a_line_of_a_deleted_variant_is_left_out_and_reported_gone() -> None:
    priced = price_cart({1: 2, 2: 5}, {1: snapshot(1, price=Decimal("3.10"))}, "USD")
    assert [line.variant.id for line in priced.lines] == [1]
    assert priced.gone == (2,)
    assert priced.subtotal.amount == Decimal("6.20")
    assert priced.count == 2


# -- owners and tokens --------------------------------------------------------------------------


def test_guest_tokens_are_long_random_and_url_safe() -> None:
    tokens = {new_guest_token() for _ in range(200)}
    assert len(tokens) == 200
    assert all(len(t) >= 32 and is_token_shaped(t) for t in tokens)  # >= 24 bytes of base64


@pytest.mark.parametrize(
    "token", ["", "short", "x" * 200, "has space" + "x" * 30, "shop:cart:user:1" + "x" * 20]
)
def test_a_token_we_could_not_have_issued_is_no_token(token: str) -> None:
    assert CartOwner.guest(token).token is None
    assert not CartOwner.guest(token).has_cart_name


def test_a_user_owns_a_cart_by_id_whatever_the_token() -> None:
    owner = CartOwner.user(5)
    assert not owner.is_guest
    assert owner.has_cart_name
