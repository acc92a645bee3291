"""Order and outbox use cases with fakes: restock once, deliver once, dead-letter after N."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from shop.domain.cart.pricing import VariantSnapshot
from shop.domain.errors import InvalidTransition, NotFound
from shop.domain.orders.checkout import build_order
from shop.domain.orders.model import Address, Buyer
from shop.domain.orders.status import OrderStatus
from shop.services.notifications import outbox
from shop.services.notifications.ports import ORDER_CONFIRMATION, DeliveryFailed, OutboxState
from shop.services.orders import manage
from shop.services.orders.manage import Viewer
from tests.unit.ordering_fakes import FakeDispatcher, FakeMailer, FakeOrderingUnitOfWorkFactory

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.at = NOW

    def now(self) -> datetime:
        return self.at


@pytest.fixture
def uow() -> FakeOrderingUnitOfWorkFactory:
    factory = FakeOrderingUnitOfWorkFactory()
    variant = VariantSnapshot(1, "SKU-1", 11, "P1", Decimal("3.00"), 2)
    factory.state.variants[1] = variant
    buyer = Buyer("a@example.com", "Ann", "1", Address("1", "T", "1", "DE"), user_id=7)
    with factory() as work:
        order = build_order({1: 2}, {1: variant}, buyer, "USD", NOW)
        work.orders.add(order)
        work.outbox.add(ORDER_CONFIRMATION, {"order_id": order.id}, NOW, NOW)
        work.commit()
    return factory


def order_id(uow: FakeOrderingUnitOfWorkFactory) -> int:
    return next(iter(uow.state.orders))


def test_a_cancel_returns_the_stock_once(uow: FakeOrderingUnitOfWorkFactory) -> None:
    oid = order_id(uow)
    manage.cancel_order(uow, Clock(), Viewer(user_id=7), oid, refunds=FakeDispatcher())
    assert uow.state.variants[1].stock == 4
    with pytest.raises(InvalidTransition):
        manage.cancel_order(uow, Clock(), Viewer(is_admin=True), oid, refunds=FakeDispatcher())
    assert uow.state.variants[1].stock == 4


def test_nobody_else_sees_or_cancels_an_order(uow: FakeOrderingUnitOfWorkFactory) -> None:
    with pytest.raises(NotFound):
        manage.get_order(uow, Viewer(user_id=8), order_id(uow))
    with pytest.raises(NotFound):
        manage.cancel_order(
            uow, Clock(), Viewer(user_id=8), order_id(uow), refunds=FakeDispatcher()
        )
    assert uow.state.variants[1].stock == 2


def test_an_admin_moves_an_order_along_the_machine(uow: FakeOrderingUnitOfWorkFactory) -> None:
    oid = order_id(uow)
    for target in (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED):
        assert (
            manage.change_status(uow, Clock(), oid, target, refunds=FakeDispatcher()).status
            is target
        )
    with pytest.raises(InvalidTransition):
        manage.change_status(uow, Clock(), oid, OrderStatus.CANCELLED, refunds=FakeDispatcher())
    assert uow.state.variants[1].stock == 2


def delivery(
    uow: FakeOrderingUnitOfWorkFactory, mailer: FakeMailer, clock: Clock
) -> outbox.Delivery:
    return outbox.Delivery(uow, mailer, FakeDispatcher(), clock, "shop@example.com", 3)


def test_an_entry_is_sent_once_with_a_stable_message_id(uow: FakeOrderingUnitOfWorkFactory) -> None:
    mailer = FakeMailer()
    d = delivery(uow, mailer, Clock())
    entry_id = next(iter(uow.state.outbox))
    assert outbox.deliver(d, entry_id)
    assert not outbox.deliver(d, entry_id)
    (message,) = mailer.sent
    assert message["Message-ID"] == f"<outbox-{entry_id}@example.com>"
    assert message["To"] == "a@example.com"
    assert {p.get_content_type() for p in message.iter_parts()} == {"text/plain", "text/html"}
    assert uow.state.outbox[entry_id].state is OutboxState.SENT


def test_failures_are_retried_then_dead_lettered_and_revived(
    uow: FakeOrderingUnitOfWorkFactory,
) -> None:
    mailer, clock = FakeMailer(), Clock()
    mailer.down = True
    d = delivery(uow, mailer, clock)
    entry_id = next(iter(uow.state.outbox))
    for attempt in range(1, 4):
        with pytest.raises(DeliveryFailed):
            outbox.deliver(d, entry_id)
        assert uow.state.outbox[entry_id].attempts == attempt
    assert uow.state.outbox[entry_id].state is OutboxState.DEAD
    mailer.down = False
    assert not outbox.deliver(d, entry_id)  # dead: left alone until revived
    outbox.revive(d, entry_id)
    assert d.dispatcher.dispatched == [entry_id]  # type: ignore[attr-defined]
    assert outbox.deliver(d, entry_id)
    assert len(mailer.sent) == 1


def test_the_sweep_hands_over_due_entries_once_per_lease(
    uow: FakeOrderingUnitOfWorkFactory,
) -> None:
    clock = Clock()
    d = delivery(uow, FakeMailer(), clock)
    assert outbox.sweep(d) == 1
    assert outbox.sweep(d) == 0  # leased
    clock.at = NOW + outbox.SWEEP_LEASE + timedelta(seconds=1)
    assert outbox.sweep(d) == 1


def test_idempotency_keys_are_kept_24_hours(uow: FakeOrderingUnitOfWorkFactory) -> None:
    with uow() as work:
        work.idempotency.insert("s", "k", "f", "l", NOW, NOW)
        work.commit()
    clock = Clock()
    d = delivery(uow, FakeMailer(), clock)
    clock.at = NOW + timedelta(hours=23)
    assert outbox.purge_idempotency_keys(d) == 0
    clock.at = NOW + timedelta(hours=24, seconds=1)
    assert outbox.purge_idempotency_keys(d) == 1
