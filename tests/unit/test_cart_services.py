"""Cart use cases with the in-process cart store and a fake catalog lookup (no Redis, no SQL)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import pytest

from shop.adapters.memory.cart_store import InMemoryCartStore
from shop.adapters.memory.tokens import InMemoryTokenStore
from shop.domain.cart.cart import Adjustment, CapReason, CartOwner, new_guest_token
from shop.domain.cart.pricing import VariantSnapshot
from shop.domain.errors import Conflict, NotFound, TokenRevoked, ValidationFailed
from shop.services.cart import items as cart
from shop.services.cart import merge
from shop.services.cart.ports import (
    CartDependencies,
    CartRules,
    CartStore,
    Credential,
    MergeResult,
)
from shop.services.cart.priced import CartView

RULES = CartRules(max_line_quantity=10, currency="USD")


def deps(store: CartStore, lookup: FakeVariantLookup) -> CartDependencies:
    """The cart use cases wired to one lookup for reads and writes alike."""
    return CartDependencies(store, live_variants=lookup, shown_variants=lookup, rules=RULES)


class FakeVariantLookup:
    """The catalog as a dict; records each call, so tests can count the 'queries'."""

    def __init__(self) -> None:
        self.variants: dict[int, VariantSnapshot] = {}
        self.calls: list[list[int]] = []

    def put(self, variant_id: int, **fields: object) -> int:
        base: dict[str, object] = {
            "id": variant_id,
            "sku": f"SKU-{variant_id}",
            "product_id": 50 + variant_id,
            "product_name": f"Product {variant_id}",
            "price": Decimal("2.50"),
            "stock": 5,
            "attributes": (("Color", "Blue"),),
        }
        self.variants[variant_id] = VariantSnapshot(**{**base, **fields})  # type: ignore[arg-type]
        return variant_id

    def many(self, variant_ids: Iterable[int]) -> dict[int, VariantSnapshot]:
        ids = sorted(set(variant_ids))
        self.calls.append(ids)
        return {i: self.variants[i] for i in ids if i in self.variants}

    def at_version(self, _catalog_version: str | None) -> FakeVariantLookup:
        return self  # no copies to key


@pytest.fixture
def store() -> InMemoryCartStore:
    return InMemoryCartStore(ttl_seconds=3600)


@pytest.fixture
def lookup() -> FakeVariantLookup:
    catalog = FakeVariantLookup()
    catalog.put(1)
    catalog.put(2, price=Decimal("10.00"), stock=100)
    catalog.put(3, stock=0)
    catalog.put(4, is_active=False)
    return catalog


def add(
    store: InMemoryCartStore, lookup: FakeVariantLookup, owner: CartOwner, v: int, q: int
) -> CartView:
    return cart.add_item(deps(store, lookup), owner, v, q)


def test_a_guest_first_add_creates_a_cart_with_a_new_token(
    store: InMemoryCartStore, lookup: FakeVariantLookup
) -> None:
    view = add(store, lookup, CartOwner.guest(None), 1, 2)
    assert view.token is not None
    assert [(line.variant.id, line.quantity) for line in view.cart.lines] == [(1, 2)]
    again = add(store, lookup, CartOwner.guest(view.token), 1, 1)
    assert again.token == view.token
    assert again.cart.lines[0].quantity == 3
    assert again.cart.subtotal.amount == Decimal("7.50")


def test_an_unknown_token_is_no_token_and_a_write_gets_a_new_cart(
    store: InMemoryCartStore, lookup: FakeVariantLookup
) -> None:
    stale = new_guest_token()
    assert cart.view_cart(deps(store, lookup), CartOwner.guest(stale)).token is None
    view = add(store, lookup, CartOwner.guest(stale), 1, 1)
    assert view.token not in (None, stale)


def test_a_user_cart_never_carries_a_token(
    store: InMemoryCartStore, lookup: FakeVariantLookup
) -> None:
    view = add(store, lookup, CartOwner.user(3), 1, 1)
    assert view.token is None
    assert cart.view_cart(deps(store, lookup), CartOwner.user(3)).cart.count == 1
    assert cart.view_cart(deps(store, lookup), CartOwner.user(4)).cart.count == 0


@pytest.mark.parametrize("variant_id", [4, 99])
def test_adding_an_unknown_or_inactive_variant_is_not_found(
    store: InMemoryCartStore, lookup: FakeVariantLookup, variant_id: Any
) -> None:
    with pytest.raises(NotFound):
        add(store, lookup, CartOwner.user(1), variant_id, 1)
    assert store.lines(CartOwner.user(1)) == {}


def test_adding_beyond_stock_conflicts_naming_what_is_available(
    store: InMemoryCartStore, lookup: FakeVariantLookup
) -> None:
    owner = CartOwner.user(1)
    add(store, lookup, owner, 1, 4)
    with pytest.raises(Conflict) as caught:
        add(store, lookup, owner, 1, 2)
    assert caught.value.extensions() == {"available": 5, "in_cart": 4}
    assert store.lines(owner) == {1: 4}
    with pytest.raises(Conflict):
        add(store, lookup, owner, 3, 1)  # out of stock


def test_adding_beyond_the_line_limit_is_a_validation_error(
    store: InMemoryCartStore, lookup: FakeVariantLookup
) -> None:
    owner = CartOwner.user(1)
    add(store, lookup, owner, 2, 8)
    with pytest.raises(ValidationFailed) as caught:
        add(store, lookup, owner, 2, 3)
    assert "quantity" in caught.value.errors
    assert caught.value.extensions() == {"available": 10, "in_cart": 8}
    assert store.lines(owner) == {2: 8}


@pytest.mark.parametrize("quantity", [0, -1, 11])
def test_an_add_outside_one_to_the_line_limit_is_refused(
    store: InMemoryCartStore, lookup: FakeVariantLookup, quantity: Any
) -> None:
    with pytest.raises(ValidationFailed):
        add(store, lookup, CartOwner.user(1), 1, quantity)
    assert lookup.calls == []


def test_setting_a_quantity_replaces_it_and_zero_removes_the_line(
    store: InMemoryCartStore, lookup: FakeVariantLookup
) -> None:
    owner = CartOwner.user(1)
    add(store, lookup, owner, 1, 1)
    view = cart.set_item(deps(store, lookup), owner, 1, 4)
    assert view.cart.lines[0].quantity == 4
    with pytest.raises(Conflict):
        cart.set_item(deps(store, lookup), owner, 1, 6)
    with pytest.raises(ValidationFailed):
        cart.set_item(deps(store, lookup), owner, 1, 11)
    assert cart.set_item(deps(store, lookup), owner, 1, 0).cart.lines == ()


def test_removing_works_for_a_variant_gone_from_the_catalog(
    store: InMemoryCartStore, lookup: FakeVariantLookup
) -> None:
    owner = CartOwner.user(1)
    store.set_quantity(owner, 77, 2, create=True)
    assert cart.remove_item(deps(store, lookup), owner, 77).cart.lines == ()
    assert store.lines(owner) == {}


def test_removing_or_clearing_without_a_cart_creates_none(
    store: InMemoryCartStore, lookup: FakeVariantLookup
) -> None:
    stale = CartOwner.guest(new_guest_token())
    assert cart.remove_item(deps(store, lookup), stale, 1).token is None
    assert cart.set_item(deps(store, lookup), stale, 1, 0).token is None
    cart.clear_cart(deps(store, lookup), stale)
    assert store.lines(stale) is None


def test_clearing_keeps_the_guest_token(
    store: InMemoryCartStore, lookup: FakeVariantLookup
) -> None:
    token = add(store, lookup, CartOwner.guest(None), 1, 1).token
    cart.clear_cart(deps(store, lookup), CartOwner.guest(token))
    view = cart.view_cart(deps(store, lookup), CartOwner.guest(token))
    assert view.token == token
    assert view.cart.count == 0


def test_a_cart_is_priced_live_with_one_lookup_for_all_lines(
    store: InMemoryCartStore, lookup: FakeVariantLookup
) -> None:
    owner = CartOwner.user(1)
    for variant_id in range(10, 30):
        lookup.put(variant_id, stock=10)
        store.add(owner, variant_id, 2, cap=10, create=True)
    lookup.put(10, price=Decimal("9.99"), stock=10)
    lookup.calls.clear()
    view = cart.view_cart(deps(store, lookup), owner)
    assert len(lookup.calls) == 1
    assert view.cart.lines[0].unit_price.amount == Decimal("9.99")
    assert view.cart.count == 40


def test_lines_of_deleted_variants_are_dropped_from_the_cart(
    store: InMemoryCartStore, lookup: FakeVariantLookup
) -> None:
    owner = CartOwner.user(1)
    store.set_quantity(owner, 1, 1, create=True)
    store.set_quantity(owner, 77, 2, create=True)
    view = cart.view_cart(deps(store, lookup), owner)
    assert [line.variant.id for line in view.cart.lines] == [1]
    assert store.lines(owner) == {1: 1}


def test_inactive_and_short_lines_stay_but_are_unavailable(
    store: InMemoryCartStore, lookup: FakeVariantLookup
) -> None:
    owner = CartOwner.user(1)
    add(store, lookup, owner, 1, 3)
    lookup.put(1, stock=2)
    add(store, lookup, owner, 2, 1)
    lookup.put(2, price=Decimal("10.00"), stock=100, is_active=False)
    view = cart.view_cart(deps(store, lookup), owner)
    assert [line.available for line in view.cart.lines] == [False, False]


# -- merging ------------------------------------------------------------------------------------


def guest_cart(store: InMemoryCartStore, lines: dict[int, int]) -> str:
    token = new_guest_token()
    for variant_id, quantity in lines.items():
        store.set_quantity(CartOwner.guest(token), variant_id, quantity, create=True)
    return token


def test_a_merge_sums_lines_and_reports_each_cut_with_its_reason(
    store: InMemoryCartStore, lookup: FakeVariantLookup
) -> None:
    user = CartOwner.user(1)
    add(store, lookup, user, 1, 3)
    add(store, lookup, user, 2, 6)
    token = guest_cart(store, {1: 4, 2: 7, 4: 1, 77: 2, 3: 1})
    view, cut = merge.merge_into_user_cart(deps(store, lookup), 1, token)
    assert cut == [
        Adjustment(1, 7, 5, CapReason.STOCK),
        Adjustment(2, 13, 10, CapReason.LINE_LIMIT),
        Adjustment(3, 1, 0, CapReason.STOCK),
        Adjustment(4, 1, 0, CapReason.UNAVAILABLE),
        Adjustment(77, 2, 0, CapReason.UNAVAILABLE),
    ]
    assert [(line.variant.id, line.quantity) for line in view.cart.lines] == [(1, 5), (2, 10)]
    assert view.token is None
    assert store.lines(CartOwner.guest(token)) is None


def test_a_merge_within_the_caps_has_no_adjustments(
    store: InMemoryCartStore, lookup: FakeVariantLookup
) -> None:
    token = guest_cart(store, {1: 2})
    view, cut = merge.merge_into_user_cart(deps(store, lookup), 1, token)
    assert cut == []
    assert view.cart.count == 2


@pytest.mark.parametrize("token", [None, "nonsense", new_guest_token()])
def test_merging_no_or_an_unknown_guest_cart_leaves_the_user_cart(
    store: InMemoryCartStore, lookup: FakeVariantLookup, token: Any
) -> None:
    add(store, lookup, CartOwner.user(1), 1, 1)
    view, cut = merge.merge_into_user_cart(deps(store, lookup), 1, token)
    assert cut == []
    assert view.cart.count == 1


def test_merging_the_same_guest_cart_twice_adds_its_lines_once(
    store: InMemoryCartStore, lookup: FakeVariantLookup
) -> None:
    token = guest_cart(store, {1: 2})
    merge.merge_into_user_cart(deps(store, lookup), 1, token)
    view, cut = merge.merge_into_user_cart(deps(store, lookup), 1, token)
    assert cut == []
    assert view.cart.count == 2


class ChangingStore(InMemoryCartStore):
    """A guest cart that gains a line between the merge's read and its atomic step."""

    def __init__(self, token: str) -> None:
        super().__init__(ttl_seconds=60)
        self.token = token
        self.attempts = 0

    def merge(self, token: str, user_id: int, caps: Mapping[int, int]) -> MergeResult | None:
        self.attempts += 1
        if self.attempts == 1:
            self.set_quantity(CartOwner.guest(self.token), 2, 1, create=False)
        return super().merge(token, user_id, caps)


def test_a_merge_asks_again_for_caps_of_lines_added_meanwhile(lookup: FakeVariantLookup) -> None:
    token = new_guest_token()
    store = ChangingStore(token)
    store.set_quantity(CartOwner.guest(token), 1, 1, create=True)
    view, _ = merge.merge_into_user_cart(deps(store, lookup), 1, token)
    assert store.attempts == 2
    assert [(line.variant.id, line.quantity) for line in view.cart.lines] == [(1, 1), (2, 1)]


def test_a_merge_gives_up_when_the_guest_cart_never_settles(lookup: FakeVariantLookup) -> None:
    class Restless(InMemoryCartStore):
        def merge(self, token: str, user_id: int, caps: Mapping[int, int]) -> MergeResult | None:
            return MergeResult(missing=(max(caps) + 1,))

    store = Restless(ttl_seconds=60)
    token = guest_cart(store, {1: 1})
    with pytest.raises(Conflict):
        merge.merge_carts(deps(store, lookup), 1, token)


@pytest.mark.parametrize(
    "revoke",
    [
        lambda tokens: tokens.revoke("j1", 60),
        lambda tokens: tokens.revoke_family("f1", 60),
        lambda tokens: tokens.revoke_user(7, 101.0, 60),
    ],
    ids=["token", "login", "account"],
)
def test_a_signed_in_read_with_a_revoked_token_raises_before_pricing(
    lookup: FakeVariantLookup, revoke: Any
) -> None:
    tokens = InMemoryTokenStore()
    store = InMemoryCartStore(ttl_seconds=3600, tokens=tokens)
    store.add(CartOwner.user(7), 1, 2, cap=10, create=True)
    credential = Credential(jti="j1", family="f1", user_id=7, issued_at=100.0)
    assert cart.view_signed_in_cart(deps(store, lookup), credential).cart.count == 2
    revoke(tokens)
    lookup.calls.clear()
    with pytest.raises(TokenRevoked):
        cart.view_signed_in_cart(deps(store, lookup), credential)
    assert lookup.calls == []  # nothing of the cart was priced


def test_a_store_without_a_token_store_refuses_a_checked_read() -> None:
    credential = Credential(jti="j", family=None, user_id=1, issued_at=0.0)
    with pytest.raises(RuntimeError):
        InMemoryCartStore(ttl_seconds=60).checked_lines_and_catalog_version(
            CartOwner.user(1), credential
        )
