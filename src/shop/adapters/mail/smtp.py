"""Sending email over SMTP (`smtp://user:pw@host:port`, `smtps://` for implicit TLS,
`?starttls=1` to upgrade a plain connection).

smtplib is imported on the first send: an API server hands its mail to the job workers and
never sends any itself.
"""

from __future__ import annotations

from email.message import EmailMessage
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, unquote, urlsplit

from shop.services.notifications.ports import DeliveryFailed

if TYPE_CHECKING:
    import smtplib

SMTP_TIMEOUT_SECONDS = 10


class SmtpMailer:
    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
            raise ValueError("SMTP_URL must look like smtp://user:password@host:port")
        self._ssl = parts.scheme == "smtps"
        self._host = parts.hostname
        self._port = parts.port or (465 if self._ssl else 25)
        self._user = unquote(parts.username) if parts.username else None
        self._password = unquote(parts.password) if parts.password else None
        self._starttls = parse_qs(parts.query).get("starttls", ["0"])[0] in {"1", "true"}

    def send(self, message: EmailMessage) -> None:
        import smtplib

        try:
            with self._connect() as client:
                if self._starttls:
                    client.starttls()
                if self._user is not None:
                    client.login(self._user, self._password or "")
                client.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:
            # The reason only: never the credentials of the URL.
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}"[:300]) from exc

    def _connect(self) -> smtplib.SMTP:
        import smtplib

        if self._ssl:
            return smtplib.SMTP_SSL(self._host, self._port, timeout=SMTP_TIMEOUT_SECONDS)
        return smtplib.SMTP(self._host, self._port, timeout=SMTP_TIMEOUT_SECONDS)
