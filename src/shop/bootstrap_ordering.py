"""Wiring of checkout, orders and notifications: their unit of work, mailer and job dispatch.

On Redis, confirmation emails are RQ jobs (`shop worker`); on the embedded default the same
delivery code runs in a thread of this process, which also sweeps the outbox.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from redis import Redis
from sqlalchemy import Engine

from shop.adapters.jobs.inline import InlineJobRunner
from shop.adapters.jobs.rq_dispatcher import RqOutboxDispatcher, RqRefundDispatcher
from shop.adapters.mail.log import LogMailer
from shop.adapters.mail.smtp import SmtpMailer
from shop.adapters.payments.test_provider import TestCardGateway
from shop.adapters.redis.client import make_redis
from shop.adapters.sql.engine import make_session_factory
from shop.adapters.sql.ordering_unit_of_work import SqlOrderingUnitOfWorkFactory
from shop.services.cart.ports import CartStore
from shop.services.checkout.place_order import Checkout
from shop.services.common import Clock
from shop.services.notifications import outbox
from shop.services.notifications.ports import Mailer, OutboxDispatcher
from shop.services.payments import expiry, refunds
from shop.services.payments.events import Payments
from shop.services.payments.ports import PaymentGateway, RefundDispatcher
from shop.settings import Settings


@dataclass
class Ordering:
    uow: SqlOrderingUnitOfWorkFactory
    checkout: Checkout
    delivery: outbox.Delivery
    inline_jobs: InlineJobRunner | None
    payments: Payments
    observer: PaymentCounter
    inline_refunds: InlineJobRunner | None = None
    jobs_redis: Redis | None = None

    def maintain(self) -> None:
        outbox.maintain(self.delivery)
        maintain_payments(self.payments)

    def start_background_work(self) -> None:
        """On the embedded default, start this process's job threads (deliveries, refunds,
        sweeps and the release of unpaid orders)."""
        for runner in (self.inline_jobs, self.inline_refunds):
            if runner is not None:
                runner.start()

    def close(self) -> None:
        for runner in (self.inline_jobs, self.inline_refunds):
            if runner is not None:
                runner.close()
        if self.jobs_redis is not None:
            self.jobs_redis.close()


class PaymentCounter:
    """Counts payment outcomes through whatever the serving process plugs in (its metrics)."""

    target: Callable[[str], None] | None = None

    def __call__(self, event: str) -> None:
        if self.target is not None:
            self.target(event)


class _LateRefunds:
    target: RefundDispatcher | None = None

    def dispatch(self, order_id: int) -> None:
        assert self.target is not None
        self.target.dispatch(order_id)


def maintain_payments(payments: Payments) -> None:
    """Release expired unpaid orders, and re-hand refunds whose job was lost."""
    expiry.release_unpaid(payments)
    refunds.sweep_refunds(payments)


def _gateway(settings: Settings) -> PaymentGateway:
    if settings.payment_gateway == "stripe":
        # Imported only when used: the stripe library (and the HTTP clients it loads) adds
        # about 14 MB to every process that imports it.
        from shop.adapters.payments.stripe_gateway import StripeGateway

        return StripeGateway(
            settings.stripe_api_key or "",
            settings.stripe_webhook_secret or "",
            settings.stripe_api_base,
        )
    return TestCardGateway()


class _LateDispatcher:
    """Lets the inline runner and the delivery it runs refer to each other."""

    target: OutboxDispatcher | None = None

    def dispatch(self, entry_id: int) -> None:
        assert self.target is not None
        self.target.dispatch(entry_id)


def build_ordering(
    settings: Settings, engine: Engine, redis: Redis | None, carts: CartStore, clock: Clock
) -> Ordering:
    uow = SqlOrderingUnitOfWorkFactory(make_session_factory(engine))
    mailer: Mailer = SmtpMailer(settings.smtp_url) if settings.smtp_url else LogMailer()
    late = _LateDispatcher()
    delivery = outbox.Delivery(
        uow=uow,
        mailer=mailer,
        dispatcher=late,
        clock=clock,
        sender=settings.mail_from,
        max_attempts=settings.outbox_max_attempts,
    )
    inline: InlineJobRunner | None = None
    inline_refunds: InlineJobRunner | None = None
    jobs_redis: Redis | None = None
    late_refunds = _LateRefunds()
    observer = PaymentCounter()
    payments = Payments(
        uow=uow,
        gateway=_gateway(settings),
        clock=clock,
        refunds=late_refunds,
        observe=observer,
        payment_ttl=settings.order_payment_ttl,
    )
    if redis is not None and settings.redis_url:
        # RQ stores pickled jobs: its connection must not decode replies.
        jobs_redis = make_redis(settings.redis_url, decode_responses=False)
        late.target = RqOutboxDispatcher(jobs_redis, settings.outbox_max_attempts)
        late_refunds.target = RqRefundDispatcher(jobs_redis)
    else:
        inline_refunds = InlineJobRunner(
            deliver=lambda order_id: refunds.settle_cancelled_order(payments, order_id),
            maintain=lambda: maintain_payments(payments),
        )
        late_refunds.target = inline_refunds
        inline = InlineJobRunner(
            deliver=lambda entry_id: outbox.deliver(delivery, entry_id),
            maintain=lambda: outbox.maintain(delivery),
        )
        late.target = inline
    checkout = Checkout(
        uow=uow,
        carts=carts,
        dispatcher=late,
        clock=clock,
        currency=settings.currency,
        pay_by=expiry.pay_by_delay(settings.order_payment_ttl),
    )
    return Ordering(
        uow=uow,
        checkout=checkout,
        delivery=delivery,
        inline_jobs=inline,
        payments=payments,
        observer=observer,
        inline_refunds=inline_refunds,
        jobs_redis=jobs_redis,
    )
