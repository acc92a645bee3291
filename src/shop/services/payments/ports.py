"""What payments need: a gateway to the provider, payments and their ledger, orders and stock."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from shop.domain.payments.model import Payment, PaymentEvent, PaymentStatus
from shop.services.orders.ports import OrdersUnitOfWork


@dataclass(frozen=True)
class ProviderPayment:
    """What the provider answered to a start: its reference, and a client secret or redirect
    for the customer; `status` when it settled at once (the test provider)."""

    reference: str
    status: PaymentStatus = PaymentStatus.REQUIRES_ACTION
    client_secret: str | None = None


@dataclass(frozen=True)
class ProviderEvent:
    """A verified provider event. `status` is the payment's new status, if it says one;
    `refunded` the cumulative refunded amount, if it says one; `amount`/`currency` what was
    charged."""

    event_id: str
    kind: str
    reference: str | None = None
    payment_id: int | None = None
    status: PaymentStatus | None = None
    amount: Decimal | None = None
    currency: str | None = None
    refunded: Decimal | None = None


class PaymentGateway(Protocol):
    name: str

    def start(
        self, payment: Payment, idempotency_key: str, card: str | None = None
    ) -> ProviderPayment:
        """Create the provider's payment for `payment` (same key, same provider payment)."""
        ...

    def refund(self, payment: Payment, amount: Decimal, idempotency_key: str) -> Decimal:
        """Refund `amount` of `payment` (same key, one refund); returns the total refunded."""
        ...

    def parse_webhook(self, raw_body: bytes, headers: Mapping[str, str]) -> ProviderEvent:
        """The event, once its signature verifies; BadRequest otherwise."""
        ...


@dataclass(frozen=True)
class PaymentFilters:
    status: PaymentStatus | None = None
    flagged: bool | None = None


class PaymentRepository(Protocol):
    def add(self, payment: Payment) -> int: ...

    def get(self, payment_id: int, *, for_update: bool = False) -> Payment | None: ...

    def by_reference(self, provider: str, reference: str) -> Payment | None: ...

    def save(self, payment: Payment) -> None:
        """Write the payment's status, reference, secret, refunded amount and flag."""
        ...

    def for_order(self, order_id: int) -> list[Payment]:
        """The order's payments, oldest first."""
        ...

    def record_event(self, event: PaymentEvent) -> bool:
        """Add the event to the ledger; False when (provider, event id) is already there."""
        ...

    def find(
        self, filters: PaymentFilters, page: int, page_size: int
    ) -> tuple[list[Payment], int]: ...

    def unpaid_expired(self, now: datetime, limit: int) -> Sequence[int]:
        """Pending orders past their pay-by time with no succeeded payment."""
        ...

    def unrefunded_cancelled(self, limit: int) -> Sequence[int]:
        """Cancelled orders that still hold a succeeded payment not fully refunded."""
        ...


class PaymentsUnitOfWork(OrdersUnitOfWork, Protocol):
    @property
    def payments(self) -> PaymentRepository: ...


class PaymentsUnitOfWorkFactory(Protocol):
    def __call__(self) -> PaymentsUnitOfWork: ...


class RefundDispatcher(Protocol):
    def dispatch(self, order_id: int) -> None:
        """Run the settlement of a cancelled order (its refunds) in a job, after the commit."""
        ...


class PaymentObserver(Protocol):
    def __call__(self, event: str, /) -> None:
        """Count `succeeded`, `failed`, `refunded` or `webhook_rejected`."""
        ...
