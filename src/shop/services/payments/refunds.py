"""Refunds: a cancelled order's succeeded payments are refunded in full through the provider,
in a job, idempotently (one key per payment, so a retried job never refunds twice)."""

from __future__ import annotations

from shop.domain.orders.status import OrderStatus
from shop.services.common import with_retries
from shop.services.payments.events import Payments
from shop.services.payments.settlement import record_refund

SWEEP_LIMIT = 100


def refund_key(payment_id: int) -> str:
    return f"shop-refund-{payment_id}"


def settle_cancelled_order(payments: Payments, order_id: int) -> int:
    """Refund what is left of each succeeded payment of the order, if it is cancelled; the
    number of refunds made. The order row stays locked while the provider is called, so two
    runs of this job never refund side by side."""
    return with_retries(lambda: _refund(payments, order_id))


def _refund(payments: Payments, order_id: int) -> int:
    made = 0
    with payments.uow() as work:
        order = work.orders.get(order_id, for_update=True)
        if order is None or order.status != OrderStatus.CANCELLED:
            return 0
        for payment in work.payments.for_order(order_id):
            remaining = payment.refundable
            if remaining <= 0 or payment.provider != payments.gateway.name:
                continue
            assert payment.id is not None
            total = payments.gateway.refund(payment, remaining, refund_key(payment.id))
            record_refund(work, payment, total, payments.clock.now())
            made += 1
        work.commit()
    for _ in range(made):
        payments.observe("refunded")
    return made


def sweep_refunds(payments: Payments) -> None:
    """Hand again every cancelled order still holding an unrefunded charge (a lost job)."""
    with payments.uow() as work:
        order_ids = list(work.payments.unrefunded_cancelled(SWEEP_LIMIT))
    for order_id in order_ids:
        payments.refunds.dispatch(order_id)
