"""The checkout use case with fakes: all or nothing, every error path, idempotency rules."""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shop.adapters.memory.cart_store import InMemoryCartStore
from shop.domain.accounts.users import Role, User
from shop.domain.cart.cart import CartOwner
from shop.domain.cart.pricing import VariantSnapshot
from shop.domain.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from shop.domain.orders.checkout import OutOfStock
from shop.domain.orders.model import Address, Order
from shop.domain.orders.status import OrderStatus
from shop.domain.orders.tokens import token_matches
from shop.services.checkout import idempotency
from shop.services.checkout.idempotency import IdempotencyKey
from shop.services.checkout.place_order import Checkout, Contact, place_order
from shop.services.common import ServiceUnavailable, TransactionConflict
from shop.services.orders import manage
from tests.unit.ordering_fakes import (
    FakeDispatcher,
    FakeOrderingUnitOfWorkFactory,
    FakeStock,
)

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
CONTACT = Contact("Ann", "123", Address("1 Road", "Town", "1", "DE"), "ann@example.com")


class FixedClock:
    def __init__(self) -> None:
        self.at = NOW

    def now(self) -> datetime:
        return self.at


def present(order: Order) -> dict[str, Any]:
    return {"id": order.id, "total": str(order.total)}


@pytest.fixture
def uow() -> FakeOrderingUnitOfWorkFactory:
    factory = FakeOrderingUnitOfWorkFactory()
    for vid, stock in ((1, 5), (2, 2), (3, 0)):
        factory.state.variants[vid] = VariantSnapshot(
            vid, f"SKU-{vid}", 10 + vid, f"P{vid}", Decimal("2.50"), stock
        )
    factory.state.users[7] = User(
        email="user@example.com", password_hash="x", role=Role.CUSTOMER, created_at=NOW
    )
    return factory


@pytest.fixture
def carts() -> InMemoryCartStore:
    return InMemoryCartStore(3600)


@pytest.fixture
def checkout(uow: FakeOrderingUnitOfWorkFactory, carts: InMemoryCartStore) -> Checkout:
    return Checkout(uow, carts, FakeDispatcher(), FixedClock(), "USD")


def guest_with(carts: InMemoryCartStore, lines: dict[int, int]) -> CartOwner:
    owner = CartOwner.guest("g" * 43)
    for vid, qty in lines.items():
        carts.add(owner, vid, qty, 99, create=True)
    return owner


def key_for(owner: CartOwner, body: dict[str, Any], key: str = "k-1") -> IdempotencyKey:
    scope = idempotency.caller_scope(owner)
    assert scope is not None
    return IdempotencyKey(scope, key, idempotency.fingerprint("POST", "/c", body))


def test_a_checkout_takes_the_stock_writes_the_order_and_outbox_then_empties_the_cart(
    checkout: Checkout, uow: FakeOrderingUnitOfWorkFactory, carts: InMemoryCartStore
) -> None:
    owner = guest_with(carts, {1: 2, 2: 2})
    placed = place_order(checkout, owner, CONTACT, present)
    assert placed.status_code == 201
    assert placed.body["total"] == "10.00"
    order = uow.state.orders[placed.body["id"]]
    assert token_matches(placed.body["order_token"], order.token_hash)
    assert placed.body["order_token"] not in json.dumps(str(uow.state.__dict__))
    assert uow.state.variants[1].stock == 3
    assert uow.state.variants[2].stock == 0
    assert [e.payload for e in uow.state.outbox.values()] == [{"order_id": order.id}]
    assert checkout.dispatcher.dispatched == list(uow.state.outbox)  # type: ignore[attr-defined]
    assert carts.lines(owner) == {}
    assert uow.last is not None
    assert uow.last.stock.locked == [[1, 2]]


def test_one_short_line_writes_nothing_and_leaves_the_cart(
    checkout: Checkout, uow: FakeOrderingUnitOfWorkFactory, carts: InMemoryCartStore
) -> None:
    owner = guest_with(carts, {1: 2, 2: 3})
    with pytest.raises(OutOfStock) as caught:
        place_order(checkout, owner, CONTACT, present)
    assert [line.variant_id for line in caught.value.lines] == [2]
    assert uow.commits == 0
    assert uow.state.orders == {}
    assert uow.state.variants[1].stock == 5
    assert carts.lines(owner) == {1: 2, 2: 3}


@pytest.mark.parametrize(
    ("lines", "contact", "error"),
    [
        ({}, CONTACT, ValidationFailed),
        ({9: 1}, CONTACT, NotFound),
        ({1: 1}, Contact("Ann", "1", CONTACT.address, None), ValidationFailed),
    ],
)
def test_every_failure_writes_nothing(
    checkout: Checkout,
    uow: FakeOrderingUnitOfWorkFactory,
    carts: InMemoryCartStore,
    lines: dict[int, int],
    contact: Contact,
    error: type[Exception],
) -> None:
    owner = guest_with(carts, lines)
    with pytest.raises(error):
        place_order(checkout, owner, contact, present)
    assert uow.commits == 0
    assert carts.lines(owner) == (lines if lines else None)


def test_a_user_checks_out_with_the_account_email(
    checkout: Checkout, uow: FakeOrderingUnitOfWorkFactory, carts: InMemoryCartStore
) -> None:
    owner = CartOwner.user(7)
    carts.add(owner, 1, 1, 99, create=True)
    placed = place_order(checkout, owner, Contact("U", "1", CONTACT.address), present)
    order = uow.state.orders[placed.body["id"]]
    assert order.buyer.email == "user@example.com"
    assert order.buyer.user_id == 7
    assert "order_token" not in placed.body


def test_aborted_transactions_are_retried_then_503(
    checkout: Checkout,
    uow: FakeOrderingUnitOfWorkFactory,
    carts: InMemoryCartStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    owner = guest_with(carts, {1: 1})
    calls = []

    def aborted(self: FakeStock, quantities: Any) -> bool:
        calls.append(1)
        raise TransactionConflict()

    monkeypatch.setattr(FakeStock, "take", aborted)
    with pytest.raises(ServiceUnavailable):
        place_order(checkout, owner, CONTACT, present)
    assert len(calls) == 4
    assert uow.state.orders == {}
    assert carts.lines(owner) == {1: 1}


def test_a_queue_that_is_down_after_the_commit_leaves_the_email_to_the_sweep(
    uow: FakeOrderingUnitOfWorkFactory, carts: InMemoryCartStore
) -> None:
    checkout = Checkout(uow, carts, FakeDispatcher(fail=True), FixedClock(), "USD")
    placed = place_order(checkout, guest_with(carts, {1: 1}), CONTACT, present)
    assert placed.status_code == 201
    (entry,) = uow.state.outbox.values()
    assert entry.available_at == NOW + timedelta(seconds=5)


def test_the_same_key_and_body_replays_without_a_second_order(
    checkout: Checkout, uow: FakeOrderingUnitOfWorkFactory, carts: InMemoryCartStore
) -> None:
    owner = guest_with(carts, {1: 1})
    body = {"full_name": "Ann"}
    first = place_order(checkout, owner, CONTACT, present, key_for(owner, body))
    again = place_order(checkout, owner, CONTACT, present, key_for(owner, body))
    assert again.replayed
    assert again.status_code == 201
    assert again.body == {k: v for k, v in first.body.items() if k != "order_token"}
    assert len(uow.state.orders) == 1
    assert uow.state.variants[1].stock == 4


def test_the_same_key_with_another_body_is_422(
    checkout: Checkout, carts: InMemoryCartStore
) -> None:
    owner = guest_with(carts, {1: 1})
    place_order(checkout, owner, CONTACT, present, key_for(owner, {"a": 1}))
    with pytest.raises(ValidationFailed):
        place_order(checkout, owner, CONTACT, present, key_for(owner, {"a": 2}))


def test_a_key_in_flight_is_409_until_its_lease_runs_out(
    checkout: Checkout, uow: FakeOrderingUnitOfWorkFactory, carts: InMemoryCartStore
) -> None:
    owner = guest_with(carts, {1: 1})
    key = key_for(owner, {})
    held = idempotency.claim(uow, key, NOW)  # a request that then crashed
    assert isinstance(held, idempotency.Claim)
    with pytest.raises(Conflict):
        place_order(checkout, owner, CONTACT, present, key)
    checkout.clock.at = NOW + idempotency.LEASE + timedelta(seconds=1)  # type: ignore[attr-defined]
    assert place_order(checkout, owner, CONTACT, present, key).status_code == 201


def test_a_failed_checkout_frees_its_key(
    checkout: Checkout, uow: FakeOrderingUnitOfWorkFactory, carts: InMemoryCartStore
) -> None:
    owner = guest_with(carts, {2: 3})
    key = key_for(owner, {})
    with pytest.raises(OutOfStock):
        place_order(checkout, owner, CONTACT, present, key)
    assert uow.state.keys == {}
    carts.set_quantity(owner, 2, 2, create=False)
    assert place_order(checkout, owner, CONTACT, present, key).status_code == 201


def test_keys_are_scoped_to_the_caller() -> None:
    assert idempotency.caller_scope(CartOwner.user(1)) != idempotency.caller_scope(
        CartOwner.guest("t" * 43)
    )
    assert "t" * 43 not in str(idempotency.caller_scope(CartOwner.guest("t" * 43)))


@pytest.mark.parametrize("key", ["", "x" * 256, "tab\there", "ünïcode"])
def test_a_malformed_key_is_422(key: str) -> None:
    with pytest.raises(ValidationFailed):
        idempotency.check_key(key)


def test_the_fingerprint_ignores_key_order_but_not_values() -> None:
    a = idempotency.fingerprint("POST", "/x", {"a": 1, "b": {"c": 2, "d": 3}})
    assert a == idempotency.fingerprint("post", "/x", {"b": {"d": 3, "c": 2}, "a": 1})
    assert a != idempotency.fingerprint("POST", "/x", {"a": 1, "b": {"c": 2, "d": 4}})
    assert a != idempotency.fingerprint("POST", "/y", {"a": 1, "b": {"c": 2, "d": 3}})


@given(
    st.lists(
        st.one_of(
            st.tuples(st.just("checkout"), st.dictionaries(st.integers(1, 3), st.integers(1, 4))),
            st.tuples(st.just("cancel"), st.integers(0, 10)),
        ),
        max_size=25,
    )
)
def test_stock_is_never_negative_and_every_unit_is_accounted_for(
    steps: list[tuple[str, Any]],
) -> None:
    uow = FakeOrderingUnitOfWorkFactory()
    initial = {1: 5, 2: 2, 3: 3}
    for vid, stock in initial.items():
        uow.state.variants[vid] = VariantSnapshot(vid, f"S{vid}", vid, "P", Decimal("1.00"), stock)
    carts = InMemoryCartStore(3600)
    checkout = Checkout(uow, carts, FakeDispatcher(), FixedClock(), "USD")
    for n, (action, arg) in enumerate(steps):
        if action == "checkout":
            owner = CartOwner.guest(f"{n:043d}")
            for vid, qty in arg.items():
                carts.add(owner, vid, qty, 99, create=True)
            with contextlib.suppress(OutOfStock, ValidationFailed):
                place_order(checkout, owner, CONTACT, present)
        elif uow.state.orders:
            order_id = sorted(uow.state.orders)[arg % len(uow.state.orders)]
            with contextlib.suppress(InvalidTransition):
                manage.cancel_order(
                    uow,
                    FixedClock(),
                    manage.Viewer(is_admin=True),
                    order_id,
                    refunds=FakeDispatcher(),
                )
        sold = Counter[int]()
        for order in uow.state.orders.values():
            if order.status is not OrderStatus.CANCELLED:
                sold.update(order.quantities)
        for vid, stock in initial.items():
            assert uow.state.variants[vid].stock >= 0
            assert uow.state.variants[vid].stock + sold[vid] == stock
