"""What notifications need: the outbox, orders to describe, a mailer and a job dispatcher."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from enum import StrEnum
from typing import Any, Protocol

from shop.domain.orders.model import Order
from shop.services.common import UnitOfWork

ORDER_CONFIRMATION = "order_confirmation"  # the kind of an order's confirmation email
SWEEP_GRACE = timedelta(seconds=5)  # how long the job handed over at commit gets first


class OutboxState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    DEAD = "dead"


@dataclass(frozen=True)
class OutboxEntry:
    id: int
    kind: str
    payload: dict[str, Any]
    state: OutboxState
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
    available_at: datetime


class OutboxRepository(Protocol):
    def add(self, kind: str, payload: dict[str, Any], now: datetime, due: datetime) -> int:
        """Record a message to deliver (in the caller's transaction); `due` is when the sweep
        may pick it up if the job handed over after the commit never runs."""
        ...

    def lock(self, entry_id: int) -> OutboxEntry | None:
        """The entry, its row locked until the commit (a second consumer waits)."""
        ...

    def mark_sent(self, entry_id: int, now: datetime) -> None: ...

    def record_failure(
        self, entry_id: int, error: str, retry_at: datetime, *, dead: bool
    ) -> None: ...

    def claim_due(self, now: datetime, lease_until: datetime, limit: int) -> list[int]:
        """Pending entries due by `now`, skipping rows another sweep holds; their due time
        moves to `lease_until`, so concurrent sweeps do not hand one entry over twice."""
        ...

    def find(
        self, state: OutboxState | None, page: int, page_size: int
    ) -> tuple[list[OutboxEntry], int]: ...

    def revive(self, entry_id: int, now: datetime) -> bool:
        """Put a dead entry back to pending with its attempts reset; False if not dead."""
        ...

    def exists(self, entry_id: int) -> bool: ...


class OrderReader(Protocol):
    def get(self, order_id: int, *, for_update: bool = False) -> Order | None: ...


class IdempotencyPurger(Protocol):
    def purge(self, created_before: datetime) -> int: ...


class NotificationsUnitOfWork(UnitOfWork, Protocol):
    @property
    def outbox(self) -> OutboxRepository: ...

    @property
    def orders(self) -> OrderReader: ...

    @property
    def idempotency(self) -> IdempotencyPurger: ...


class NotificationsUnitOfWorkFactory(Protocol):
    def __call__(self) -> NotificationsUnitOfWork: ...


class DeliveryFailed(Exception):
    """The mail server refused or did not answer; the message may be sent again later."""


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None:
        """Hand the message over; raises DeliveryFailed."""
        ...


class OutboxDispatcher(Protocol):
    def dispatch(self, entry_id: int) -> None:
        """Have the entry delivered soon, by a job. Dispatching an entry whose job is already
        waiting or running is a success. Raises when the job queue does not answer."""
        ...
