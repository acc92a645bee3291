"""The Order aggregate: lines snapshot the catalog at checkout; totals are exact Decimals."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from shop.domain.money import Money, to_amount
from shop.domain.orders.status import PAID_STATUSES, OrderStatus, check_cancel, check_move
from shop.domain.payments.model import (
    OrderPaymentStatus,
    Payment,
    order_payment_status,
    refunded_amount,
)


@dataclass(frozen=True)
class Address:
    line1: str
    city: str
    postal_code: str
    country: str
    line2: str | None = None


@dataclass(frozen=True)
class OrderLine:
    """One variant as it was sold: name, SKU, attributes and price kept whatever happens later."""

    variant_id: int | None  # None once the variant was deleted
    product_id: int
    sku: str
    product_name: str
    attributes: tuple[tuple[str, str], ...]
    unit_price: Decimal
    quantity: int

    @property
    def line_total(self) -> Decimal:
        return to_amount(self.unit_price * self.quantity)


@dataclass(frozen=True)
class Buyer:
    """Who the order is for: a user (by id) or a guest, and how to reach them."""

    email: str
    full_name: str
    phone: str
    address: Address
    user_id: int | None = None


@dataclass
class Order:
    buyer: Buyer
    lines: tuple[OrderLine, ...]
    currency: str
    created_at: datetime
    status: OrderStatus = OrderStatus.PENDING
    id: int | None = None
    updated_at: datetime | None = None
    token_hash: str | None = None
    pay_by: datetime | None = None  # when it is released unless paid (None: never)
    payments: tuple[Payment, ...] = ()
    history: list[tuple[OrderStatus, OrderStatus]] = field(default_factory=list)

    @property
    def subtotal(self) -> Decimal:
        total = Money.zero(self.currency)
        for line in self.lines:
            total = total + Money(line.line_total, self.currency)
        return total.amount

    @property
    def total(self) -> Decimal:
        """Equal to the subtotal in v1: no shipping or tax yet."""
        return self.subtotal

    @property
    def payment_status(self) -> OrderPaymentStatus:
        return order_payment_status(self.payments, order_paid=self.status in PAID_STATUSES)

    @property
    def refunded_amount(self) -> Decimal:
        return to_amount(refunded_amount(self.payments))

    @property
    def refundable(self) -> Decimal:
        """What its charges hold that was not refunded yet (what a cancel refunds)."""
        return sum((p.refundable for p in self.payments), Decimal("0.00"))

    @property
    def quantities(self) -> dict[int, int]:
        """Units per variant that still exists (each variant appears on one line)."""
        return {x.variant_id: x.quantity for x in self.lines if x.variant_id is not None}

    @property
    def returns_stock(self) -> bool:
        return self.status == OrderStatus.CANCELLED

    def move_to(self, target: OrderStatus, now: datetime) -> None:
        """Move along an allowed transition (InvalidTransition otherwise)."""
        check_move(self.status, target)
        self._set(target, now)

    def cancel(self, now: datetime, *, by_admin: bool) -> None:
        """Cancel: the customer while pending, an admin while pending or paid."""
        check_cancel(self.status, by_admin=by_admin)
        check_move(self.status, OrderStatus.CANCELLED)
        self._set(OrderStatus.CANCELLED, now)

    def _set(self, target: OrderStatus, now: datetime) -> None:
        self.history.append((self.status, target))
        self.status = target
        self.updated_at = now
