"""Payment rules with a fake gateway: only the exact total pays, a late success is refunded,
events apply once in any order, refunds never repeat, unpaid orders are released."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from shop.domain.audit import Actor, Source
from shop.domain.cart.pricing import VariantSnapshot
from shop.domain.errors import BadRequest, Conflict, NotFound, ValidationFailed
from shop.domain.orders.checkout import build_order
from shop.domain.orders.model import Address, Buyer
from shop.domain.orders.status import OrderStatus
from shop.domain.payments.model import Payment, PaymentStatus
from shop.domain.payments.test_cards import DECLINED, SUCCEEDS
from shop.services.orders import manage
from shop.services.orders.manage import Viewer
from shop.services.payments import events, expiry, refunds, start
from shop.services.payments.events import Payments
from shop.services.payments.ports import ProviderEvent, ProviderPayment
from tests.unit.ordering_fakes import FakeOrderingUnitOfWorkFactory

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
OWNER = Viewer(user_id=7)


class Clock:
    def __init__(self) -> None:
        self.at = NOW

    def now(self) -> datetime:
        return self.at


class FakeGateway:
    """Records every call with its idempotency key; settles a card like the test provider."""

    def __init__(self, name: str = "test") -> None:
        self.name = name
        self.starts: list[str] = []
        self.refunds: dict[str, Decimal] = {}  # idempotency key -> amount (one refund each)

    def start(
        self, payment: Payment, idempotency_key: str, card: str | None = None
    ) -> ProviderPayment:
        self.starts.append(idempotency_key)
        status = {SUCCEEDS: PaymentStatus.SUCCEEDED, DECLINED: PaymentStatus.FAILED}.get(
            card or "", PaymentStatus.REQUIRES_ACTION
        )
        return ProviderPayment(reference=f"pi_{payment.id}", status=status, client_secret="cs")

    def refund(self, payment: Payment, amount: Decimal, idempotency_key: str) -> Decimal:
        self.refunds.setdefault(idempotency_key, amount)
        return payment.refunded + amount

    def parse_webhook(self, raw_body: bytes, headers: Mapping[str, str]) -> ProviderEvent:
        raise BadRequest("unsigned")


class Refunds:
    def __init__(self) -> None:
        self.dispatched: list[int] = []

    def dispatch(self, order_id: int) -> None:
        self.dispatched.append(order_id)


@pytest.fixture
def uow() -> FakeOrderingUnitOfWorkFactory:
    factory = FakeOrderingUnitOfWorkFactory()
    factory.state.variants[1] = VariantSnapshot(1, "SKU-1", 11, "P1", Decimal("12.50"), 5)
    return factory


def payments_of(uow: FakeOrderingUnitOfWorkFactory, provider: str = "test") -> Payments:
    counted: list[str] = []
    return Payments(
        uow=uow,
        gateway=FakeGateway(provider),
        clock=Clock(),
        refunds=Refunds(),
        observe=counted.append,
        payment_ttl=3600,
    )


def place(uow: FakeOrderingUnitOfWorkFactory, quantity: int = 2) -> int:
    buyer = Buyer("a@example.com", "Ann", "1", Address("1", "T", "1", "DE"), user_id=7)
    with uow() as work:
        order = build_order({1: quantity}, {1: work.stock.lock([1])[1]}, buyer, "USD", NOW)
        order.pay_by = NOW + timedelta(hours=1)
        work.stock.take(order.quantities)
        work.orders.add(order)
        work.commit()
    assert order.id is not None
    return order.id


def status_of(uow: FakeOrderingUnitOfWorkFactory, order_id: int) -> OrderStatus:
    return uow.state.orders[order_id].status


def event(payment_id: int, kind: str, event_id: str, **facts: object) -> ProviderEvent:
    return ProviderEvent(event_id=event_id, kind=kind, payment_id=payment_id, **facts)  # type: ignore[arg-type]


def test_the_exact_total_pays_the_order(uow: FakeOrderingUnitOfWorkFactory) -> None:
    payments = payments_of(uow)
    order_id = place(uow)
    started = start.start_payment(payments, OWNER, order_id, SUCCEEDS)
    assert started.created
    assert started.payment.status == PaymentStatus.SUCCEEDED
    assert status_of(uow, order_id) == OrderStatus.PAID
    assert payments.gateway.starts == [f"shop-payment-{started.payment.id}"]  # type: ignore[attr-defined]
    with pytest.raises(Conflict):
        start.start_payment(payments, OWNER, order_id, SUCCEEDS)


def test_a_declined_card_leaves_the_order_pending(uow: FakeOrderingUnitOfWorkFactory) -> None:
    payments = payments_of(uow)
    order_id = place(uow)
    assert start.start_payment(payments, OWNER, order_id, DECLINED).payment.status == "failed"
    assert status_of(uow, order_id) == OrderStatus.PENDING
    with pytest.raises(ValidationFailed):
        start.start_payment(payments, OWNER, order_id, "4111111111111111")
    with pytest.raises(NotFound):
        start.start_payment(payments, Viewer(user_id=8), order_id, SUCCEEDS)


def test_an_amount_mismatch_is_flagged_and_never_pays(uow: FakeOrderingUnitOfWorkFactory) -> None:
    payments = payments_of(uow, "stripe")
    order_id = place(uow)
    payment = start.start_payment(payments, OWNER, order_id).payment
    assert payment.id is not None
    short = event(
        payment.id,
        "succeeded",
        "evt_1",
        status=PaymentStatus.SUCCEEDED,
        amount=Decimal("24.99"),
        currency="usd",
    )
    assert events.apply_event(payments, short)
    assert status_of(uow, order_id) == OrderStatus.PENDING
    assert uow.state.payments[payment.id].flagged
    other = place(uow)
    euro = start.start_payment(payments, OWNER, other).payment
    assert euro.id is not None
    events.apply_event(
        payments,
        event(
            euro.id,
            "succeeded",
            "evt_2",
            status=PaymentStatus.SUCCEEDED,
            amount=Decimal("25.00"),
            currency="eur",
        ),
    )
    assert status_of(uow, other) == OrderStatus.PENDING
    assert uow.state.payments[euro.id].flagged


def test_the_same_open_payment_is_returned(uow: FakeOrderingUnitOfWorkFactory) -> None:
    payments = payments_of(uow, "stripe")
    order_id = place(uow)
    first = start.start_payment(payments, OWNER, order_id)
    second = start.start_payment(payments, OWNER, order_id)
    assert first.created
    assert not second.created
    assert first.payment.id == second.payment.id
    assert len(payments.gateway.starts) == 1  # type: ignore[attr-defined]


def test_duplicate_and_out_of_order_events_apply_once(uow: FakeOrderingUnitOfWorkFactory) -> None:
    payments = payments_of(uow, "stripe")
    order_id = place(uow)
    payment = start.start_payment(payments, OWNER, order_id).payment
    assert payment.id is not None
    refunded = event(payment.id, "charge.refunded", "evt_r", refunded=Decimal("5.00"))
    failed = event(payment.id, "failed", "evt_f", status=PaymentStatus.FAILED)
    succeeded = event(
        payment.id,
        "succeeded",
        "evt_s",
        status=PaymentStatus.SUCCEEDED,
        amount=Decimal("25.00"),
        currency="usd",
    )
    assert events.apply_event(payments, failed)
    assert events.apply_event(payments, succeeded)
    assert not events.apply_event(payments, succeeded)  # a duplicate: no second effect
    assert events.apply_event(payments, refunded)
    assert not events.apply_event(payments, refunded)
    late_failure = event(payment.id, "failed", "evt_f2", status=PaymentStatus.FAILED)
    assert events.apply_event(payments, late_failure)
    stored = uow.state.payments[payment.id]
    assert stored.status == PaymentStatus.SUCCEEDED
    assert stored.refunded == Decimal("5.00")
    older_total = event(payment.id, "charge.refunded", "evt_r0", refunded=Decimal("2.00"))
    events.apply_event(payments, older_total)
    assert uow.state.payments[payment.id].refunded == Decimal("5.00")
    assert status_of(uow, order_id) == OrderStatus.PAID


def test_a_late_success_after_cancel_is_refunded_once(uow: FakeOrderingUnitOfWorkFactory) -> None:
    payments = payments_of(uow, "stripe")
    order_id = place(uow)
    payment = start.start_payment(payments, OWNER, order_id).payment
    assert payment.id is not None
    uow.state.orders[order_id].status = OrderStatus.CANCELLED
    events.apply_event(
        payments, event(payment.id, "succeeded", "evt_s", status=PaymentStatus.SUCCEEDED)
    )
    assert payments.refunds.dispatched == [order_id]  # type: ignore[attr-defined]
    assert refunds.settle_cancelled_order(payments, order_id) == 1
    assert refunds.settle_cancelled_order(payments, order_id) == 0
    assert payments.gateway.refunds == {f"shop-refund-{payment.id}": Decimal("25.00")}  # type: ignore[attr-defined]
    assert uow.state.payments[payment.id].refunded == Decimal("25.00")
    assert status_of(uow, order_id) == OrderStatus.CANCELLED


def test_an_admin_cancel_audits_the_refund_it_asks_for_and_the_job_the_refund_it_made(
    uow: FakeOrderingUnitOfWorkFactory,
) -> None:
    payments = payments_of(uow)
    order_id = place(uow)
    payment = start.start_payment(payments, OWNER, order_id, SUCCEEDS).payment
    admin = Actor(user_id=1, email="boss@example.com", source=Source.CONSOLE)
    manage.change_status(
        uow, payments.clock, order_id, OrderStatus.CANCELLED, refunds=payments.refunds, actor=admin
    )
    requested = [e for e in uow.state.audit if e.entity == "payment"]
    assert [(e.action, e.entity_id, e.source, e.actor_email, e.changes) for e in requested] == [
        (
            "refund",
            str(payment.id),
            "console",
            "boss@example.com",
            {"refund_requested": [None, "25.00"]},
        ),
    ]
    refunds.settle_cancelled_order(payments, order_id)
    refunds.settle_cancelled_order(payments, order_id)  # a retried job: no second entry
    made = [e for e in uow.state.audit if e.entity == "payment"][1:]
    assert [(e.action, e.source, e.actor_id, e.changes) for e in made] == [
        ("refund", "system", None, {"refunded": ["0.00", "25.00"]}),
    ]


def test_a_cancel_of_an_unpaid_order_asks_for_no_refund(
    uow: FakeOrderingUnitOfWorkFactory,
) -> None:
    payments = payments_of(uow)
    order_id = place(uow)
    start.start_payment(payments, OWNER, order_id, DECLINED)
    admin = Actor(user_id=1, email="boss@example.com", source=Source.API)
    manage.cancel_order(
        uow,
        payments.clock,
        Viewer(is_admin=True),
        order_id,
        refunds=payments.refunds,
        actor=admin,
    )
    assert [e.entity for e in uow.state.audit] == ["order"]


def test_a_refund_retried_after_a_crash_uses_the_same_key(
    uow: FakeOrderingUnitOfWorkFactory,
) -> None:
    payments = payments_of(uow)
    order_id = place(uow)
    payment = start.start_payment(payments, OWNER, order_id, SUCCEEDS).payment
    uow.state.orders[order_id].status = OrderStatus.CANCELLED
    gateway = payments.gateway
    original = gateway.refund

    def crash_after_refund(p: Payment, amount: Decimal, key: str) -> Decimal:
        original(p, amount, key)
        raise ConnectionError("lost the answer")

    gateway.refund = crash_after_refund  # type: ignore[method-assign, assignment]
    with pytest.raises(ConnectionError):
        refunds.settle_cancelled_order(payments, order_id)
    gateway.refund = original  # type: ignore[method-assign]
    refunds.settle_cancelled_order(payments, order_id)
    assert list(gateway.refunds) == [f"shop-refund-{payment.id}"]  # type: ignore[attr-defined]


def test_unpaid_orders_are_released_and_restocked(uow: FakeOrderingUnitOfWorkFactory) -> None:
    payments = payments_of(uow)
    unpaid = place(uow)
    paid = place(uow)
    start.start_payment(payments, OWNER, paid, SUCCEEDS)
    assert uow.state.variants[1].stock == 1
    assert expiry.release_unpaid(payments) == 0  # not yet due
    payments.clock.at = NOW + timedelta(hours=1, seconds=1)  # type: ignore[attr-defined]
    assert expiry.release_unpaid(payments) == 1
    assert status_of(uow, unpaid) == OrderStatus.CANCELLED
    assert status_of(uow, paid) == OrderStatus.PAID
    assert uow.state.variants[1].stock == 3
    assert expiry.release_unpaid(payments) == 0  # released once
    with pytest.raises(Conflict):
        start.start_payment(payments, OWNER, unpaid, SUCCEEDS)


def test_a_start_lost_before_the_provider_answered_asks_again_with_the_same_key(
    uow: FakeOrderingUnitOfWorkFactory,
) -> None:
    payments = payments_of(uow, "stripe")
    order_id = place(uow)
    gateway = payments.gateway
    original = gateway.start

    def down(p: Payment, key: str, card: str | None = None) -> ProviderPayment:
        gateway.starts.append(key)  # type: ignore[attr-defined]
        raise ConnectionError("provider unreachable")

    gateway.start = down  # type: ignore[method-assign, assignment]
    with pytest.raises(ConnectionError):
        start.start_payment(payments, OWNER, order_id)
    gateway.start = original  # type: ignore[method-assign]
    again = start.start_payment(payments, OWNER, order_id)
    assert again.payment.reference == f"pi_{again.payment.id}"
    assert len(uow.state.payments) == 1
    assert gateway.starts == [f"shop-payment-{again.payment.id}"] * 2  # type: ignore[attr-defined]
