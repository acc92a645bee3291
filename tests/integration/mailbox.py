"""The account emails a test's app sent, read back from the log mailer (logger `shop.mail`,
what a shop without SMTP_URL sends)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest

TOKEN_LINK = re.compile(r"[?&]token=([A-Za-z0-9_\-%]+)")
EXPORT_LINK = re.compile(r"(/api/v1/me/data-export/[A-Za-z0-9_\-.]+)")


class Mailbox(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.INFO)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())

    def to(self, email: str, subject: str) -> list[str]:
        return [m for m in self.messages if m.startswith(f"email to {email} ") and subject in m]

    def token(self, email: str, subject: str) -> str:
        """The token of the latest link of that subject sent to `email`."""
        sent = self.to(email, subject)
        assert sent, f"no {subject!r} email to {email}; sent: {self.messages}"
        found = TOKEN_LINK.search(sent[-1])
        assert found, sent[-1]
        return found.group(1)

    def export_path(self, email: str) -> str:
        sent = self.to(email, "personal data export")
        assert sent, f"no export email to {email}; sent: {self.messages}"
        found = EXPORT_LINK.search(sent[-1])
        assert found, sent[-1]
        return found.group(1)


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox()
    logger = logging.getLogger("shop.mail")
    logger.addHandler(box)
    try:
        yield box
    finally:
        logger.removeHandler(box)


RESET = "Reset your password"
VERIFY = "Verify your email"
DELETION = "Confirm the deletion"
