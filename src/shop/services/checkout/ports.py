"""What checkout needs: stock, orders, the outbox and idempotency records in one unit of work,
the cart store, and the dispatcher that hands the confirmation email to a job."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from shop.domain.accounts.users import User
from shop.services.common import UnitOfWork
from shop.services.notifications.ports import OutboxRepository
from shop.services.orders.ports import OrderRepository, StockRepository


@dataclass(frozen=True)
class IdempotencyRecord:
    id: int
    fingerprint: str
    status_code: int | None  # None while the first request is in flight
    body: str | None
    locked_until: datetime | None


class IdempotencyRepository(Protocol):
    def insert(
        self, scope: str, key: str, fingerprint: str, lease: str, until: datetime, now: datetime
    ) -> int | None:
        """Record an in-flight request (its own transaction); None when (scope, key) exists."""
        ...

    def get(self, scope: str, key: str) -> IdempotencyRecord | None: ...

    def take_over(self, record_id: int, lease: str, until: datetime, now: datetime) -> bool:
        """Claim an in-flight record whose lease ran out (its request crashed)."""
        ...

    def complete(self, record_id: int, lease: str, status_code: int, body: str) -> bool:
        """Store the response, in the order's transaction; False if the lease was lost."""
        ...

    def release(self, record_id: int, lease: str) -> None:
        """Forget an in-flight record whose request failed, so the key can be used again."""
        ...


class UserReader(Protocol):
    def get(self, user_id: int) -> User | None: ...


class CheckoutUnitOfWork(UnitOfWork, Protocol):
    @property
    def users(self) -> UserReader: ...

    @property
    def stock(self) -> StockRepository: ...

    @property
    def orders(self) -> OrderRepository: ...

    @property
    def outbox(self) -> OutboxRepository: ...

    @property
    def idempotency(self) -> IdempotencyRepository: ...


class CheckoutUnitOfWorkFactory(Protocol):
    def __call__(self) -> CheckoutUnitOfWork: ...
