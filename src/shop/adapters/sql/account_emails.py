"""Account emails as outbox entries, written in the unit of work's transaction; the entries
are handed to the job queue once it has committed (the sweep delivers any hand-over lost).

The link's token waits sealed (SECRET_KEY), so the database never holds one in the clear.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from shop.adapters.sql.outbox import SqlOutboxRepository
from shop.services.accounts.ports import AccountEmail, SecretSealer
from shop.services.notifications.account_emails import outbox_payload
from shop.services.notifications.ports import ACCOUNT_EMAIL, SWEEP_GRACE

log = logging.getLogger(__name__)

EmailHandOver = Callable[[int], None]


class OutboxAccountEmails:
    """The account emails of one unit of work: outbox rows now, dispatched after the commit."""

    def __init__(
        self, session: Session, sealer: SecretSealer | None, hand_over: EmailHandOver | None
    ) -> None:
        self._outbox = SqlOutboxRepository(session)
        self._sealer = sealer
        self._hand_over = hand_over
        self._entries: list[int] = []

    def add(self, email: AccountEmail, now: datetime) -> None:
        assert self._sealer is not None, "account emails need the sealer (SECRET_KEY)"
        payload = outbox_payload(self._sealer, email)
        self._entries.append(self._outbox.add(ACCOUNT_EMAIL, payload, now, now + SWEEP_GRACE))

    def committed(self) -> None:
        entries, self._entries = self._entries, []
        if self._hand_over is None:
            return
        for entry_id in entries:
            try:
                self._hand_over(entry_id)
            except Exception:  # the queue is down: the outbox sweep delivers the email later
                log.warning("outbox %s: account email left to the sweep", entry_id, exc_info=True)

    def discard(self) -> None:
        self._entries = []
