"""After an order is cancelled (API or console), its charges are refunded by a job."""

from __future__ import annotations

from shop.domain.orders.model import Order
from shop.domain.orders.status import OrderStatus
from shop.entrypoints.web.context import adapters


def refund_if_cancelled(order: Order) -> Order:
    """Hand a cancelled order's refund to the job queue, after the cancel committed (nothing
    to do for an order without payments); the job refunds once, however often it is handed."""
    if order.status == OrderStatus.CANCELLED and order.id is not None and order.payments:
        adapters().ordering.payments.refunds.dispatch(order.id)
    return order
