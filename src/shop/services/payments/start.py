"""Starting a payment for an order: its owner (or a guest with its token), while it is pending
and unpaid. While one payment still awaits the customer, that same payment is returned."""

from __future__ import annotations

from dataclasses import dataclass

from shop.domain.errors import Conflict, NotFound
from shop.domain.orders.model import Order
from shop.domain.orders.status import OrderStatus
from shop.domain.payments.model import Payment, PaymentStatus
from shop.domain.payments.test_cards import outcome
from shop.services.common import with_retries
from shop.services.orders.ports import OrderViewer
from shop.services.payments.events import Payments, after_applied
from shop.services.payments.ports import PaymentsUnitOfWork
from shop.services.payments.settlement import Applied, apply_status


@dataclass(frozen=True)
class Started:
    payment: Payment
    created: bool  # False: the payment already awaiting the customer, returned again


def idempotency_key(payment: Payment) -> str:
    """Derived from Shop's ids: a retried start never creates a second provider payment."""
    return f"shop-payment-{payment.id}"


def start_payment(
    payments: Payments, viewer: OrderViewer, order_id: int, card: str | None = None
) -> Started:
    """Start (or return the open) payment of the order.

    Raises NotFound (not the viewer's), Conflict (not pending, or paid), ValidationFailed (a
    test card that is not one of the two).
    """
    if payments.gateway.name == "test":
        outcome(card)  # 422 before anything is written
    existing, payment = with_retries(lambda: _open(payments, viewer, order_id))
    if existing and payment.reference is not None:
        return Started(payment, created=False)
    # New, or open but never handed to the provider (a crash in between): the same key asks
    # the provider for the same payment again.
    answer = payments.gateway.start(payment, idempotency_key(payment), card)
    payment.reference = answer.reference
    payment.client_secret = answer.client_secret
    applied = with_retries(lambda: _settle_start(payments, payment, answer.status))
    if applied is not None:
        after_applied(payments, applied)
    with payments.uow() as work:
        fresh = work.payments.get(payment.id or 0)
    assert fresh is not None
    return Started(fresh, created=not existing)


def list_payments(payments: Payments, viewer: OrderViewer, order_id: int) -> list[Payment]:
    with payments.uow() as work:
        _visible(work, viewer, order_id)
        return work.payments.for_order(order_id)


def _visible(
    work: PaymentsUnitOfWork, viewer: OrderViewer, order_id: int, *, lock: bool = False
) -> Order:
    order = work.orders.get(order_id, for_update=lock)
    if order is None or not viewer.may_see(order):
        raise NotFound("No such order.")
    return order


def _open(payments: Payments, viewer: OrderViewer, order_id: int) -> tuple[bool, Payment]:
    with payments.uow() as work:
        order = _visible(work, viewer, order_id, lock=True)
        known = work.payments.for_order(order_id)
        if order.status != OrderStatus.PENDING or any(
            p.status == PaymentStatus.SUCCEEDED and not p.flagged for p in known
        ):
            raise Conflict(f"The order is {order.status}: it cannot be paid now.")
        waiting = [p for p in known if p.status == PaymentStatus.REQUIRES_ACTION]
        if waiting and payments.gateway.name != "test":
            return True, waiting[-1]
        payment = Payment(
            order_id=order_id,
            provider=payments.gateway.name,
            amount=order.total,
            currency=order.currency,
            created_at=payments.clock.now(),
        )
        work.payments.add(payment)
        work.commit()
    return False, payment


def _settle_start(payments: Payments, payment: Payment, status: PaymentStatus) -> Applied | None:
    now = payments.clock.now()
    with payments.uow() as work:
        order = work.orders.get(payment.order_id, for_update=True)
        locked = work.payments.get(payment.id or 0, for_update=True)
        assert order is not None
        assert locked is not None
        locked.reference = locked.reference or payment.reference
        locked.client_secret = payment.client_secret
        applied = None
        if status != PaymentStatus.REQUIRES_ACTION:
            applied = apply_status(work, order, locked, status, now)
        if applied is None or not applied.changed:
            work.payments.save(locked)
        work.commit()
    return applied
