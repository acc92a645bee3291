"""The mailer of a shop without SMTP_URL: each email goes to the log, naming its recipient."""

from __future__ import annotations

import logging
from email.message import EmailMessage

log = logging.getLogger("shop.mail")


class LogMailer:
    def send(self, message: EmailMessage) -> None:
        body = message.get_body(preferencelist=("plain",))
        log.info(
            "email to %s (order %s, SMTP_URL unset): %s\n%s",
            message["To"],
            message.get("X-Shop-Order-Id", "-"),
            message["Subject"],
            body.get_content() if body is not None else "",
        )
