"""The RQ jobs (thin: each calls one service) and the worker's periodic maintenance."""

from __future__ import annotations

import logging

from shop.bootstrap import Adapters, bootstrap
from shop.bootstrap_ordering import Ordering
from shop.services.notifications import outbox
from shop.settings import Settings

log = logging.getLogger(__name__)
_adapters: Adapters | None = None


def configure(adapters: Adapters) -> None:
    """Use these adapters for every job of this process (`shop worker` sets them at start)."""
    global _adapters
    _adapters = adapters


def _ordering() -> Ordering:
    if _adapters is None:  # a plain `rq worker` process: wire from the environment
        configure(bootstrap(Settings.from_env()))
    assert _adapters is not None
    return _adapters.ordering


def deliver_outbox_entry(entry_id: int) -> bool:
    """Send one outbox entry (at most once; raises to be retried when the mail server fails)."""
    return outbox.deliver(_ordering().delivery, entry_id)


def maintain() -> None:
    """Sweep the outbox and purge expired idempotency keys; a failure waits for the next run."""
    try:
        _ordering().maintain()
    except Exception:  # the database may be down: the worker keeps working the queues
        log.warning("maintenance failed; retrying at the next run", exc_info=True)
