"""One JSON log line per request, carrying the request id the response echoes."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from shop.entrypoints.web.log_format import JsonFormatter
from tests.integration.apps import Api, AppFactory
from tests.integration.factories import make_variant
from tests.support.log_capture import find_leaks
from tests.support.servers import RedisServer


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def requests(self) -> list[dict[str, object]]:
        parsed = [json.loads(line) for line in self.lines]
        return [p for p in parsed if p["logger"] == "shop.request"]


@pytest.fixture
def log_lines() -> Iterator[Lines]:
    handler = Lines()
    logger = logging.getLogger("shop")
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


def test_a_request_leaves_one_json_line_with_its_id_route_status_and_user(
    api: Api, log_lines: Lines
) -> None:
    headers = api.customer_headers()
    user_id = api.client.get("/api/v1/auth/me", headers=headers).json["id"]
    variant_id = make_variant(api.adapters)
    log_lines.lines.clear()

    response = api.client.post(
        "/api/v1/cart/items",
        json={"variant_id": variant_id, "quantity": 1},
        headers={**headers, "X-Request-ID": "req-42.a:b"},
    )
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == "req-42.a:b"
    (line,) = log_lines.requests()
    assert line["request_id"] == "req-42.a:b"
    assert (line["method"], line["route"], line["status"]) == ("POST", "/api/v1/cart/items", 200)
    assert line["user_id"] == str(user_id)
    assert isinstance(line["duration_ms"], float)
    assert line["duration_ms"] >= 0
    assert line["time"].endswith("+00:00")
    assert line["level"] == "INFO"


@pytest.mark.parametrize("sent", [None, "", "has spaces", "x" * 129, "semi;colon", "ünï"])
def test_an_insane_request_id_is_replaced_by_a_fresh_one(api: Api, sent: str | None) -> None:
    headers = {} if sent is None else {"X-Request-ID": sent}
    first = api.client.get("/healthz", headers=headers).headers["X-Request-ID"]
    second = api.client.get("/healthz", headers=headers).headers["X-Request-ID"]
    assert first != sent
    assert len(first) == 32
    assert first != second


def test_a_login_logs_no_password_token_or_email(api: Api, log_lines: Lines) -> None:
    email = api.new_email()
    api.register(email)
    tokens = api.login(email)
    api.client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    api.client.post("/api/v1/auth/login", json={"email": email, "password": "wrong-password-1"})
    text = "\n".join(log_lines.lines)
    assert log_lines.requests()
    assert email not in text
    assert tokens["access_token"] not in text
    assert find_leaks(text) == []


def test_a_server_error_line_is_an_error_with_its_cause(
    make_app: AppFactory, log_lines: Lines, redis_outage: RedisServer
) -> None:
    app = make_app("postgres")
    client = app.test_client()
    redis_outage.kill()
    response = client.get("/api/v1/cart", headers={"X-Cart-Token": "t" * 32})
    assert response.status_code == 503
    parsed = [json.loads(line) for line in log_lines.lines]
    (request_line,) = [p for p in parsed if p["logger"] == "shop.request"]
    assert request_line["status"] == 503
    assert request_line["level"] == "ERROR"
    causes = [p for p in parsed if p["logger"] != "shop.request"]
    assert any("redis unavailable" in p["message"] and "Error" in p["message"] for p in causes)
    assert all(p.get("request_id") == request_line["request_id"] for p in causes)
