"""The RQ jobs (thin: each calls one service) and the worker's periodic maintenance."""

from __future__ import annotations

import logging
from collections.abc import Callable

from shop.bootstrap import Adapters, bootstrap
from shop.bootstrap_ordering import Ordering
from shop.services.catalog.imports.run import run_import
from shop.services.catalog.imports.stalls import fail_stalled_imports, requeue_lost_imports
from shop.services.notifications import outbox
from shop.services.payments import refunds
from shop.settings import Settings

log = logging.getLogger(__name__)
_settings: Settings | None = None
_adapters: Adapters | None = None


def configure(settings: Settings) -> None:
    """Wire this process's jobs from `settings` (when the first one needs them)."""
    global _settings
    _settings = settings


def wired() -> Adapters:
    """This process's adapters, for every job."""
    global _adapters
    if _adapters is None:  # built once per process; a plain `rq worker` reads the environment
        _adapters = bootstrap(_settings or Settings.from_env())
    return _adapters


def _ordering() -> Ordering:
    return wired().ordering


def deliver_outbox_entry(entry_id: int) -> bool:
    """Send one outbox entry (at most once; raises to be retried when the mail server fails)."""
    return outbox.deliver(_ordering().delivery, entry_id)


def run_catalog_import(import_id: int) -> None:
    """Run a queued catalog import (its dry run, or its apply)."""
    run_import(wired().catalog.imports, import_id)


def settle_cancelled_order(order_id: int) -> int:
    """Refund a cancelled order's charges (idempotent; raises to be retried)."""
    return refunds.settle_cancelled_order(_ordering().payments, order_id)


def maintain() -> None:
    """Sweep the outbox, purge expired idempotency keys, release unpaid orders, re-hand lost
    refunds, fail the catalog imports whose worker died and hand those whose job was lost to
    the queue again; a failure waits for the next run."""
    tasks: list[Callable[[], object]] = [
        lambda: _ordering().maintain(),
        lambda: fail_stalled_imports(wired().catalog.imports),
        lambda: requeue_lost_imports(wired().catalog.imports),
    ]
    for task in tasks:
        try:
            task()
        except Exception:  # the database may be down: the worker keeps working the queues
            log.warning("maintenance failed; retrying at the next run", exc_info=True)
