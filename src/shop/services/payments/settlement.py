"""How a payment's new status reaches its order, inside the caller's transaction.

The order row is locked first (by every payment path and by the expiry), so a payment that
succeeds while the order is being released either finds it pending and pays it, or finds it
cancelled and is refunded: never both cancelled and charged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from shop.domain.orders.model import Order
from shop.domain.orders.status import OrderStatus
from shop.domain.payments.audit import refund_recorded
from shop.domain.payments.model import Payment, PaymentStatus
from shop.services.common import TransactionConflict
from shop.services.payments.ports import PaymentsUnitOfWork


@dataclass(frozen=True)
class Applied:
    """What one status change did: `changed` (False for a stale or repeated one), whether the
    order was paid, and whether the order now needs a refund (it was cancelled)."""

    changed: bool = False
    paid_order: bool = False
    needs_refund: bool = False
    status: PaymentStatus | None = None
    order_id: int | None = None
    refunded: bool = False


def apply_status(
    work: PaymentsUnitOfWork,
    order: Order,
    payment: Payment,
    status: PaymentStatus,
    now: datetime,
    *,
    amount: Decimal | None = None,
    currency: str | None = None,
) -> Applied:
    """Move `payment` to `status` (if the move is allowed) and pay or refund its order."""
    if not payment.move_to(status, now):
        return Applied()
    if status != PaymentStatus.SUCCEEDED:
        work.payments.save(payment)
        return Applied(changed=True, status=status, order_id=order.id)
    if amount is not None:  # what the provider says it charged wins over what was asked
        payment.amount = amount
    if currency is not None:
        payment.currency = currency.upper()
    paid = needs_refund = False
    if order.status == OrderStatus.CANCELLED:
        needs_refund = True
    elif order.status == OrderStatus.PENDING and payment.settles(order.total, order.currency):
        _mark_paid(work, order, now)
        paid = True
    else:  # a wrong amount or currency, or a second charge: never paid, shown to admins
        payment.flagged = True
    work.payments.save(payment)
    return Applied(
        changed=True, paid_order=paid, needs_refund=needs_refund, status=status, order_id=order.id
    )


def _mark_paid(work: PaymentsUnitOfWork, order: Order, now: datetime) -> None:
    assert order.id is not None
    current = order.status
    order.move_to(OrderStatus.PAID, now)
    if not work.orders.set_status(order.id, current, OrderStatus.PAID, now):
        raise TransactionConflict()


def record_refund(
    work: PaymentsUnitOfWork, payment: Payment, total_refunded: Decimal, now: datetime
) -> bool:
    """Keep the provider's cumulative refunded amount of `payment`; a growth is saved and
    audited in the caller's transaction. False when it did not grow (a repeated report)."""
    before = payment.refunded
    if not payment.record_refund(total_refunded, now):
        return False
    work.payments.save(payment)
    work.audit.record(refund_recorded(now, payment, before))
    return True
