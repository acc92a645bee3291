"""Log formats (one JSON object per line, or human-readable text) that never leak secrets.

Every record passes through `redact`: bearer tokens, JWTs, card numbers and `password=`-style
values are replaced, and an email keeps only its first letter and its domain
(`j***@example.com`). Structured fields go in `extra={"fields": {...}}`; a field whose name
says it is secret is dropped to `[redacted]` whatever its value.

The one exception is `MAILER_LOGGER`, the embedded default's stand-in for SMTP: it writes
the email it would have sent, recipient included, and is not redacted.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

from flask import g, has_request_context

MAILER_LOGGER = "shop.mail"
REDACTED = "[redacted]"

_SECRET_NAME = re.compile(r"pass(word|wd)?|secret|token|authorization|api[_-]?key|card", re.I)
_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?i)\bbearer\s+[^\s\"',]+"), "Bearer " + REDACTED),
    (re.compile(r"\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*"), "[jwt]"),
    (
        re.compile(
            r"(?i)\b(pass(?:word|wd)?|secret|[\w-]*token|api[_-]?key)"
            r"([\"']?\s*[:=]\s*[\"']?)[^\s\"',&}]+"
        ),
        r"\1\2" + REDACTED,
    ),
    (re.compile(r"(?<![\w.])(?:\d[ -]?){12,18}\d(?![\w.])"), "[card]"),
    (
        re.compile(r"([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"),
        r"\1***@\2",
    ),
)


def redact(text: str) -> str:
    """`text` without tokens, secrets, card numbers or full email addresses."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


def redact_fields(fields: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for name, value in fields.items():
        if _SECRET_NAME.search(name) and value is not None:
            clean[name] = REDACTED
        elif isinstance(value, str):
            clean[name] = redact(value)
        else:
            clean[name] = value
    return clean


def _message(record: logging.LogRecord, formatter: logging.Formatter) -> str:
    message = record.getMessage()
    if record.exc_info:
        message = f"{message}\n{formatter.formatException(record.exc_info)}"
    if record.stack_info:
        message = f"{message}\n{formatter.formatStack(record.stack_info)}"
    return message if record.name == MAILER_LOGGER else redact(message)


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    fields = dict(getattr(record, "fields", None) or {})
    if has_request_context() and "shop_request_id" in g:
        fields.setdefault("request_id", g.shop_request_id)
    return fields if record.name == MAILER_LOGGER else redact_fields(fields)


class JsonFormatter(logging.Formatter):
    """`{"time": ISO 8601 UTC, "level", "logger", "message", ...fields}` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        body: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": _message(record, self),
        }
        if record.exc_info and record.exc_info[0] is not None:
            body["error"] = record.exc_info[0].__name__
        body.update(_fields(record))
        return json.dumps(body, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """`2026-12-01T09:50:00.000+00:00 INFO shop.request: GET /x 200 route=... status=...`."""

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        extras = " ".join(f"{k}={v}" for k, v in _fields(record).items())
        line = f"{moment} {record.levelname} {record.name}: {_message(record, self)}"
        return f"{line} {extras}" if extras else line


def formatter_for(log_format: str) -> logging.Formatter:
    return TextFormatter() if log_format == "text" else JsonFormatter()
