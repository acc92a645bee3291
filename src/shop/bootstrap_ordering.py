"""Wiring of checkout, orders and notifications: their unit of work, mailer and job dispatch.

On Redis, confirmation emails are RQ jobs (`shop worker`); on the embedded default the same
delivery code runs in a thread of this process, which also sweeps the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass

from redis import Redis
from sqlalchemy import Engine

from shop.adapters.jobs.inline import InlineJobRunner
from shop.adapters.jobs.rq_dispatcher import RqOutboxDispatcher
from shop.adapters.mail.log import LogMailer
from shop.adapters.mail.smtp import SmtpMailer
from shop.adapters.redis.client import make_redis
from shop.adapters.sql.engine import make_session_factory
from shop.adapters.sql.ordering_unit_of_work import SqlOrderingUnitOfWorkFactory
from shop.services.cart.ports import CartStore
from shop.services.checkout.place_order import Checkout
from shop.services.common import Clock
from shop.services.notifications import outbox
from shop.services.notifications.ports import Mailer, OutboxDispatcher
from shop.settings import Settings


@dataclass
class Ordering:
    uow: SqlOrderingUnitOfWorkFactory
    checkout: Checkout
    delivery: outbox.Delivery
    inline_jobs: InlineJobRunner | None
    jobs_redis: Redis | None = None

    def maintain(self) -> None:
        outbox.maintain(self.delivery)

    def start_background_work(self) -> None:
        """On the embedded default, start this process's job thread (deliveries and sweeps)."""
        if self.inline_jobs is not None:
            self.inline_jobs.start()

    def close(self) -> None:
        if self.inline_jobs is not None:
            self.inline_jobs.close()
        if self.jobs_redis is not None:
            self.jobs_redis.close()


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
    jobs_redis: Redis | None = None
    if redis is not None and settings.redis_url:
        # RQ stores pickled jobs: its connection must not decode replies.
        jobs_redis = make_redis(settings.redis_url, decode_responses=False)
        late.target = RqOutboxDispatcher(jobs_redis, settings.outbox_max_attempts)
    else:
        inline = InlineJobRunner(
            deliver=lambda entry_id: outbox.deliver(delivery, entry_id),
            maintain=lambda: outbox.maintain(delivery),
        )
        late.target = inline
    checkout = Checkout(
        uow=uow, carts=carts, dispatcher=late, clock=clock, currency=settings.currency
    )
    return Ordering(
        uow=uow, checkout=checkout, delivery=delivery, inline_jobs=inline, jobs_redis=jobs_redis
    )
