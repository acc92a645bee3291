"""Delivering outbox entries: at least once by the queue, exactly once by the row's state.

The consumer locks its entry's row, leaves at once when it was sent already, sends, and marks
it sent in the same transaction. A failure counts an attempt and schedules the next one; after
`max_attempts` the entry is dead (admins see it and may revive it). The sweep hands over
entries whose job never ran (a crash between the commit and the enqueue, a lost worker).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from shop.domain.errors import NotFound
from shop.services.common import Clock, check_window
from shop.services.notifications.confirmation import order_confirmation
from shop.services.notifications.ports import (
    SWEEP_GRACE,
    DeliveryFailed,
    Mailer,
    NotificationsUnitOfWorkFactory,
    OutboxDispatcher,
    OutboxEntry,
    OutboxState,
)

log = logging.getLogger(__name__)

SWEEP_LEASE = timedelta(seconds=60)
SWEEP_BATCH = 100
IDEMPOTENCY_RETENTION = timedelta(hours=24)


@dataclass(frozen=True)
class Delivery:
    uow: NotificationsUnitOfWorkFactory
    mailer: Mailer
    dispatcher: OutboxDispatcher
    clock: Clock
    sender: str
    max_attempts: int


def retry_delay(attempts: int) -> timedelta:
    """2 s, 4 s, 8 s... doubling after each failed attempt, at most five minutes."""
    return timedelta(seconds=min(2 ** max(attempts, 1), 300))


def deliver(delivery: Delivery, entry_id: int) -> bool:
    """Send the entry unless it was sent (or is dead); True when this call sent it.

    Raises DeliveryFailed after recording the failed attempt, so the job is retried.
    """
    with delivery.uow() as work:
        entry = work.outbox.lock(entry_id)
        if entry is None or entry.state is not OutboxState.PENDING:
            return False
        order = work.orders.get(int(entry.payload["order_id"]))
        if order is None:
            work.outbox.record_failure(entry_id, "order not found", delivery.clock.now(), dead=True)
            work.commit()
            return False
        try:
            delivery.mailer.send(order_confirmation(order, delivery.sender, entry.id))
        except DeliveryFailed as exc:
            attempts = entry.attempts + 1
            dead = attempts >= delivery.max_attempts
            retry_at = delivery.clock.now() + retry_delay(attempts) + SWEEP_GRACE
            work.outbox.record_failure(entry_id, str(exc)[:500], retry_at, dead=dead)
            work.commit()
            log.warning(
                "outbox %s: attempt %s failed (%s)%s",
                entry_id,
                attempts,
                exc,
                "; dead-lettered" if dead else "",
            )
            raise
        work.outbox.mark_sent(entry_id, delivery.clock.now())
        work.commit()
    return True


def sweep(delivery: Delivery) -> int:
    """Hand over every pending entry that is due; the number handed over."""
    now = delivery.clock.now()
    with delivery.uow() as work:
        due = work.outbox.claim_due(now, now + SWEEP_LEASE, SWEEP_BATCH)
        work.commit()
    for entry_id in due:
        delivery.dispatcher.dispatch(entry_id)
    return len(due)


def purge_idempotency_keys(delivery: Delivery) -> int:
    """Forget idempotency records older than their 24-hour retention."""
    with delivery.uow() as work:
        purged = work.idempotency.purge(delivery.clock.now() - IDEMPOTENCY_RETENTION)
        work.commit()
    return purged


def maintain(delivery: Delivery) -> None:
    """The periodic work: hand over forgotten entries, purge expired idempotency keys."""
    sweep(delivery)
    purge_idempotency_keys(delivery)


def list_entries(
    uow: NotificationsUnitOfWorkFactory, state: OutboxState | None, page: int, page_size: int
) -> tuple[list[OutboxEntry], int]:
    """A page of entries, newest first; ValidationFailed beyond the first 10,000."""
    check_window(page, page_size)
    with uow() as work:
        return work.outbox.find(state, page, page_size)


def revive(delivery: Delivery, entry_id: int) -> None:
    """Put a dead entry back to pending and hand it over; NotFound for an unknown entry.

    Reviving an entry that is not dead changes nothing (it is pending or sent already).
    """
    with delivery.uow() as work:
        if not work.outbox.exists(entry_id):
            raise NotFound("No such outbox entry.")
        revived = work.outbox.revive(entry_id, delivery.clock.now())
        work.commit()
    if revived:
        delivery.dispatcher.dispatch(entry_id)
