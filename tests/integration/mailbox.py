"""The account emails a test's app sent, read back from the log mailer (logger `shop.mail`,
what a shop without SMTP_URL sends).

On the embedded default the emails are sent by this process. On PostgreSQL + Redis they are
sent by jobs: reading the mailbox first runs a real `shop worker --burst` on the test's
database and Redis, and reads the emails from its log.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator

import pytest
from flask import Flask

from tests.integration.gunicorn import TEST_SECRETS
from tests.integration.shop_command import shop

TOKEN_LINK = re.compile(r"[?&]token=([A-Za-z0-9_\-%]+)")
EXPORT_LINK = re.compile(r"(/api/v1/me/data-export/[A-Za-z0-9_\-.]+)")

RESET = "Reset your password"
VERIFY = "Verify your email"
DELETION = "Confirm the deletion"
EXPORT = "personal data export"


class Mailbox(logging.Handler):
    def __init__(
        self, worker_env: dict[str, str] | None = None, apps: list[Flask] | None = None
    ) -> None:
        super().__init__(level=logging.INFO)
        self.messages: list[str] = []
        self.worker_env = worker_env
        self.apps = apps if apps is not None else []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())

    def run_jobs(self) -> None:
        """Let the jobs handed over so far finish: the embedded default's job threads, or on
        PostgreSQL + Redis a worker run over the queues (collecting the emails it sends)."""
        for app in self.apps:
            wired = app.extensions["shop"]
            drain = getattr(wired.accounts.jobs, "drain", None)
            if drain is not None:
                drain()  # account jobs first: they record emails...
            if wired.ordering.inline_jobs is not None:
                wired.ordering.inline_jobs.drain()  # ...which the outbox job thread sends
        if self.worker_env is None:
            return
        result = shop("worker", "--burst", env=self.worker_env)
        assert result.returncode == 0, result.stderr[-3000:]
        for line in result.stderr.splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and record.get("logger") == "shop.mail":
                self.messages.append(str(record.get("message", "")))

    def to(self, email: str, subject: str) -> list[str]:
        self.run_jobs()
        return [m for m in self.messages if m.startswith(f"email to {email} ") and subject in m]

    def token(self, email: str, subject: str) -> str:
        """The token of the latest link of that subject sent to `email`."""
        sent = self.to(email, subject)
        assert sent, f"no {subject!r} email to {email}; sent: {self.messages}"
        found = TOKEN_LINK.search(sent[-1])
        assert found, sent[-1]
        return found.group(1)

    def export_path(self, email: str) -> str:
        sent = self.to(email, EXPORT)
        assert sent, f"no export email to {email}; sent: {self.messages}"
        found = EXPORT_LINK.search(sent[-1])
        assert found, sent[-1]
        return found.group(1)


@pytest.fixture
def mailbox(request: pytest.FixtureRequest) -> Iterator[Mailbox]:
    """The emails of the test's app; on the `postgres` backend, read through a worker."""
    worker_env = None
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None and callspec.params.get("backend") == "postgres":
        worker_env = {
            "DATABASE_URL": request.getfixturevalue("migrated_postgres_url"),
            "REDIS_URL": request.getfixturevalue("redis_url"),
            "SHOP_LOG_FORMAT": "json",
            **TEST_SECRETS,
        }
    box = Mailbox(worker_env, getattr(request.getfixturevalue("make_app"), "apps", None))
    logger = logging.getLogger("shop.mail")
    logger.addHandler(box)
    try:
        yield box
    finally:
        logger.removeHandler(box)
