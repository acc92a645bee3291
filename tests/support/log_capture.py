"""Every log line of a test run, checked for secrets, tokens, passwords and full emails.

`SessionLogAudit` is a logging handler on the root logger for the whole session: each record
is formatted exactly as production formats it (`JsonFormatter`, redaction included) and
scanned. Logs of server processes the tests start (gunicorn, workers) are fed in with
`audit_external_log`. At the end of the session any leak fails the run (see tests/conftest.py).
The log mailer (`MAILER_LOGGER`) names its recipient by design and is left out.
"""

from __future__ import annotations

import json
import logging
import re
import threading

from shop.entrypoints.web.log_format import MAILER_LOGGER, JsonFormatter

# Values the test suite uses as secrets and passwords (tests/integration/apps.py, gunicorn.py).
KNOWN_SECRETS = (
    "test-secret-key-" + "x" * 32,
    "test-jwt-secret-" + "y" * 32,
    "correct-horse-battery",
    "4242424242424242",
    "4000000000000002",
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_LEAKS = (
    ("full email", _EMAIL),
    ("JWT", re.compile(r"\beyJ[\w-]{4,}\.[\w-]{4,}\.")),
    ("bearer token", re.compile(r"(?i)\bbearer\s+(?!\[redacted\])[\w.~+/-]{8,}")),
)


def find_leaks(line: str) -> list[str]:
    """What in `line` must never be logged (an empty list when it is clean)."""
    found = [f"secret {value[:6]}..." for value in KNOWN_SECRETS if value in line]
    found += [name for name, pattern in _LEAKS if pattern.search(line)]
    return found


def _is_mailer_line(line: str) -> bool:
    try:
        return bool(json.loads(line).get("logger") == MAILER_LOGGER)
    except (ValueError, AttributeError):
        return False


class SessionLogAudit(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.lines_seen = 0
        self.leaks: list[str] = []
        self._lock_leaks = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        if record.name == MAILER_LOGGER:
            return
        try:
            line = self.format(record)
        except Exception:  # noqa: BLE001 - a record that cannot be formatted is not a leak
            return
        self.check(line, f"log {record.name}")

    def check(self, line: str, source: str) -> None:
        with self._lock_leaks:
            self.lines_seen += 1
        leaks = find_leaks(line)
        if leaks:
            with self._lock_leaks:
                self.leaks.append(f"{source}: {', '.join(leaks)}: {line[:300]}")


_audit: SessionLogAudit | None = None


def install() -> SessionLogAudit:
    global _audit
    _audit = SessionLogAudit()
    root = logging.getLogger()
    root.addHandler(_audit)
    root.setLevel(min(root.level or logging.WARNING, logging.INFO))
    return _audit


def audit_external_log(text: str, source: str) -> None:
    """Scan the log of a process the tests started (its lines are not records here)."""
    if _audit is None:
        return
    for line in text.splitlines():
        if line.strip() and not _is_mailer_line(line):
            _audit.check(line, source)
