"""Provider events (webhooks): stored in the ledger in the same transaction as their effect,
applied once each by event id, in whatever order they arrive."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from shop.domain.payments.model import PaymentEvent
from shop.services.common import Clock, with_retries
from shop.services.payments.ports import (
    PaymentGateway,
    PaymentObserver,
    PaymentsUnitOfWorkFactory,
    ProviderEvent,
    RefundDispatcher,
)
from shop.services.payments.settlement import Applied, apply_status, record_refund


@dataclass(frozen=True)
class Payments:
    """The payments feature's bundle: its unit of work, provider, clock and job dispatch."""

    uow: PaymentsUnitOfWorkFactory
    gateway: PaymentGateway
    clock: Clock
    refunds: RefundDispatcher
    observe: PaymentObserver
    payment_ttl: int


def receive_webhook(payments: Payments, raw_body: bytes, headers: Mapping[str, str]) -> bool:
    """Verify, store and apply one provider event; True when it was new.

    Raises BadRequest for a missing, bad or expired signature (counted as rejected).
    """
    try:
        event = payments.gateway.parse_webhook(raw_body, headers)
    except Exception:
        payments.observe("webhook_rejected")
        raise
    return apply_event(payments, event)


def apply_event(payments: Payments, event: ProviderEvent) -> bool:
    applied, new = with_retries(lambda: _apply(payments, event))
    after_applied(payments, applied)
    return new


def after_applied(payments: Payments, applied: Applied) -> None:
    """After the commit: count the outcome and hand a needed refund to a job."""
    if applied.changed and applied.status is not None:
        if applied.status.value in ("succeeded", "failed"):
            payments.observe(applied.status.value)
    if applied.refunded:
        payments.observe("refunded")
    if applied.needs_refund and applied.order_id is not None:
        payments.refunds.dispatch(applied.order_id)


def _apply(payments: Payments, event: ProviderEvent) -> tuple[Applied, bool]:
    provider = payments.gateway.name
    now = payments.clock.now()
    with payments.uow() as work:
        payment = None
        if event.payment_id is not None:
            payment = work.payments.get(event.payment_id)
        if payment is None and event.reference:
            payment = work.payments.by_reference(provider, event.reference)
        if payment is not None and payment.provider != provider:
            payment = None
        ledger = PaymentEvent(
            provider, event.event_id, event.kind, payment.id if payment else None, now
        )
        if not work.payments.record_event(ledger):
            return Applied(), False  # a duplicate: acknowledged, no second effect
        applied = Applied()
        if payment is not None:
            order = work.orders.get(payment.order_id, for_update=True)
            locked = work.payments.get(payment.id or 0, for_update=True)
            assert order is not None
            assert locked is not None
            if event.reference and not locked.reference:
                locked.reference = event.reference
            if event.status is not None:
                applied = apply_status(
                    work,
                    order,
                    locked,
                    event.status,
                    now,
                    amount=event.amount,
                    currency=event.currency,
                )
            if event.refunded is not None and record_refund(work, locked, event.refunded, now):
                applied = replace(applied, refunded=True)
        work.commit()
    return applied, True
