"""Payments: one attempt to charge an order, its ledger of provider events, and the rules that
decide when an order is paid (exactly its total, in its currency) or must be refunded."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum


class PaymentStatus(StrEnum):
    REQUIRES_ACTION = "requires_action"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class OrderPaymentStatus(StrEnum):
    UNPAID = "unpaid"
    PAID = "paid"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"


# Events may arrive in any order: a succeeded payment never goes back, and a failed or
# cancelled one may still succeed (a customer retries with another card on the same intent).
_MOVES: dict[PaymentStatus, frozenset[PaymentStatus]] = {
    PaymentStatus.REQUIRES_ACTION: frozenset(
        {PaymentStatus.SUCCEEDED, PaymentStatus.FAILED, PaymentStatus.CANCELLED}
    ),
    PaymentStatus.FAILED: frozenset({PaymentStatus.SUCCEEDED, PaymentStatus.CANCELLED}),
    PaymentStatus.CANCELLED: frozenset({PaymentStatus.SUCCEEDED}),
    PaymentStatus.SUCCEEDED: frozenset(),
}


@dataclass
class Payment:
    order_id: int
    provider: str
    amount: Decimal
    currency: str
    created_at: datetime
    status: PaymentStatus = PaymentStatus.REQUIRES_ACTION
    reference: str | None = None  # the provider's id (a PaymentIntent's pi_...)
    client_secret: str | None = None
    refunded: Decimal = Decimal("0.00")
    flagged: bool = False  # succeeded for an amount or currency other than the order's
    id: int | None = None
    updated_at: datetime | None = None

    def can_move_to(self, target: PaymentStatus) -> bool:
        return target in _MOVES[self.status]

    def move_to(self, target: PaymentStatus, now: datetime) -> bool:
        """Apply `target` if allowed (False when the event is stale: nothing changes)."""
        if not self.can_move_to(target):
            return False
        self.status = target
        self.updated_at = now
        return True

    def record_refund(self, total_refunded: Decimal, now: datetime) -> bool:
        """Providers report the cumulative refunded amount: keep the largest seen."""
        capped = min(total_refunded, self.amount)
        if capped <= self.refunded:
            return False
        self.refunded = capped
        self.updated_at = now
        return True

    @property
    def refundable(self) -> Decimal:
        if self.status != PaymentStatus.SUCCEEDED:
            return Decimal("0.00")
        return self.amount - self.refunded

    def settles(self, total: Decimal, currency: str) -> bool:
        """True when this payment pays exactly `total` in `currency`."""
        return (
            self.status == PaymentStatus.SUCCEEDED
            and self.amount == total
            and self.currency == currency
        )


@dataclass(frozen=True)
class PaymentEvent:
    """One entry of the ledger, unique on (provider, event_id)."""

    provider: str
    event_id: str
    kind: str
    payment_id: int | None
    received_at: datetime


def order_payment_status(payments: Iterable[Payment], *, order_paid: bool) -> OrderPaymentStatus:
    """The order's payment status from its payments (`order_paid`: its status is paid or later,
    also when an admin marked it so without a payment)."""
    charged = [p for p in payments if p.status == PaymentStatus.SUCCEEDED]
    refunded = sum((p.refunded for p in charged), Decimal("0.00"))
    amount = sum((p.amount for p in charged), Decimal("0.00"))
    if refunded > 0:
        return (
            OrderPaymentStatus.REFUNDED
            if refunded >= amount
            else OrderPaymentStatus.PARTIALLY_REFUNDED
        )
    if charged or order_paid:
        return OrderPaymentStatus.PAID
    return OrderPaymentStatus.UNPAID


def refunded_amount(payments: Iterable[Payment]) -> Decimal:
    return sum((p.refunded for p in payments), Decimal("0.00"))
