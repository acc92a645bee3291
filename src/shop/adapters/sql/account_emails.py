"""Account emails recorded by a unit of work and handed over once it has committed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from shop.services.accounts.ports import AccountEmail

EmailHandOver = Callable[[list[AccountEmail]], None]


class PendingAccountEmails:
    """The emails of one unit of work; `committed()` hands them over, `discard()` drops
    them (a rollback)."""

    def __init__(self, hand_over: EmailHandOver | None) -> None:
        self._hand_over = hand_over
        self._emails: list[AccountEmail] = []

    def add(self, email: AccountEmail, now: datetime) -> None:
        self._emails.append(email)

    def committed(self) -> None:
        emails, self._emails = self._emails, []
        if emails and self._hand_over is not None:
            self._hand_over(emails)

    def discard(self) -> None:
        self._emails = []
