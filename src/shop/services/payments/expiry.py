"""Unpaid orders release their stock: a pending order with no succeeded payment past its
pay-by time is cancelled and restocked, guarded by its status under the order's row lock."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from shop.domain.orders.status import OrderStatus
from shop.domain.payments.model import PaymentStatus
from shop.services.common import TransactionConflict, with_retries
from shop.services.payments.events import Payments

BATCH = 100


def pay_by_delay(ttl_seconds: int) -> timedelta | None:
    return timedelta(seconds=ttl_seconds) if ttl_seconds > 0 else None


def release_unpaid(payments: Payments) -> int:
    """Cancel and restock the expired unpaid orders; the number released."""
    if payments.payment_ttl <= 0:
        return 0
    with payments.uow() as work:
        candidates = list(work.payments.unpaid_expired(payments.clock.now(), BATCH))
    return sum(with_retries(partial(_release, payments, order_id)) for order_id in candidates)


def _release(payments: Payments, order_id: int) -> int:
    now = payments.clock.now()
    with payments.uow() as work:
        order = work.orders.get(order_id, for_update=True)
        if order is None or order.status != OrderStatus.PENDING:
            return 0  # paid (or cancelled) since the look-up: the payment won
        if any(p.status == PaymentStatus.SUCCEEDED for p in work.payments.for_order(order_id)):
            return 0
        order.cancel(now, by_admin=True)
        assert order.id is not None
        if not work.orders.set_status(order.id, OrderStatus.PENDING, OrderStatus.CANCELLED, now):
            raise TransactionConflict()
        work.stock.give_back(order.quantities)
        work.commit()
    return 1
