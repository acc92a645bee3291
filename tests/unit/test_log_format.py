"""Log lines are one JSON object (or one text line) and never carry a secret."""

from __future__ import annotations

import json
import logging
import sys

import pytest

from shop.entrypoints.web.log_format import (
    MAILER_LOGGER,
    JsonFormatter,
    TextFormatter,
    redact,
)
from shop.settings import Settings, SettingsError
from tests.support.log_capture import find_leaks


def record(
    message: str, *args: object, name: str = "shop.test", **fields: object
) -> logging.LogRecord:
    made = logging.LogRecord(name, logging.INFO, __file__, 1, message, args, None)
    made.fields = fields
    return made


@pytest.mark.parametrize(
    "secret",
    [
        "Authorization: Bearer abcdefghijklmnop",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
        "password=correct-horse-battery",
        '{"password": "correct-horse-battery"}',
        "card 4242424242424242",
        "card 4242 4242 4242 4242",
        "X-Cart-Token: 5f1d2e9a8b7c",
        "refresh_token=abcdef123456",
        "customer jane.doe@example.com",
    ],
)
def test_a_secret_in_a_message_is_redacted(secret: str) -> None:
    line = JsonFormatter().format(record("seen %s", secret))
    assert find_leaks(line) == []
    for part in ("abcdefghijklmnop", "correct-horse", "4242", "5f1d2e9a8b7c", "jane.doe@"):
        assert part not in line


def test_an_email_keeps_its_first_letter_and_domain_only() -> None:
    assert redact("from jane.doe@example.com") == "from j***@example.com"


def test_a_field_named_like_a_secret_is_dropped_whatever_its_value() -> None:
    body = json.loads(JsonFormatter().format(record("x", api_key="k1", password="p", user_id=7)))
    assert (body["api_key"], body["password"], body["user_id"]) == ("[redacted]", "[redacted]", 7)


def test_a_json_line_has_utc_time_level_logger_and_fields() -> None:
    body = json.loads(JsonFormatter().format(record("GET %s", "/x", route="/x", status=200)))
    assert body["time"].endswith("+00:00")
    assert (body["level"], body["logger"], body["message"]) == ("INFO", "shop.test", "GET /x")
    assert (body["route"], body["status"]) == ("/x", 200)


def test_a_text_line_is_human_readable() -> None:
    line = TextFormatter().format(record("GET %s", "/x", status=200))
    assert " INFO shop.test: GET /x status=200" in line
    assert line.split(" ", 1)[0].endswith("+00:00")


def test_the_log_mailer_names_its_recipient() -> None:
    line = JsonFormatter().format(record("to jane@example.com", name=MAILER_LOGGER))
    assert "jane@example.com" in line


def test_an_error_line_names_its_cause() -> None:
    try:
        raise ConnectionError("redis went away")
    except ConnectionError:
        made = logging.LogRecord("shop.t", logging.ERROR, __file__, 1, "failed", (), None)
        made.exc_info = sys.exc_info()
    body = json.loads(JsonFormatter().format(made))
    assert body["error"] == "ConnectionError"
    assert "redis went away" in body["message"]


def test_the_audit_finds_what_must_never_be_logged() -> None:
    assert find_leaks("user jane@example.com") == ["full email"]
    assert find_leaks("Bearer abcdefghijkl") == ["bearer token"]
    assert find_leaks("Bearer [redacted]") == []
    assert find_leaks("signed in j***@example.com") == []


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "json"),
        ({"SHOP_ENV": "development"}, "text"),
        ({"SHOP_ENV": "development", "SHOP_LOG_FORMAT": "json"}, "json"),
        ({"SHOP_LOG_FORMAT": "TEXT"}, "text"),
    ],
)
def test_log_format_is_json_outside_development(env: dict[str, str], expected: str) -> None:
    assert Settings.from_env(env).log_format == expected


def test_an_unknown_log_format_is_refused() -> None:
    with pytest.raises(SettingsError, match="SHOP_LOG_FORMAT"):
        Settings.from_env({"SHOP_LOG_FORMAT": "xml"})
