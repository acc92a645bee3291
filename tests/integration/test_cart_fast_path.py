"""A guest's cart GET answered in front of Flask is Flask's very answer, byte for byte, counted
and logged as Flask does; it shows every write at once, and nothing else is answered there."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from shop.domain.cart.cart import new_guest_token
from shop.entrypoints.web import cart_fast_path
from shop.entrypoints.web.cart_fast_path import EXTENSION
from tests.integration.apps import Api, AppFactory
from tests.integration.factories import delete_variant, make_variant, set_variant
from tests.integration.fast_path_support import TwoPaths, answer, same_request_lines
from tests.integration.test_cart_outage import PROMPT_SECONDS
from tests.integration.test_cors import FRONT
from tests.integration.test_metrics import scrape
from tests.integration.test_request_log import Lines, log_lines  # noqa: F401 (a fixture)
from tests.support.servers import RedisServer

CART = "/api/v1/cart"
ITEMS = "/api/v1/cart/items"
CORS_SETTINGS = {"no-cors": (), "cors-listed": (FRONT,), "cors-any": ("*",)}


@pytest.fixture(params=list(CORS_SETTINGS))
def cors_origins(request: pytest.FixtureRequest) -> tuple[str, ...]:
    return CORS_SETTINGS[request.param]


def _guest_cart(api: Api, lines: int = 3) -> tuple[dict[str, str], list[int]]:
    variants = [make_variant(api.adapters, price=f"{n}.25", stock=9) for n in range(1, lines + 1)]
    headers: dict[str, str] = {}
    for variant in variants:
        response = api.client.post(
            ITEMS, json={"variant_id": variant, "quantity": 2}, headers=headers
        )
        assert response.status_code == 200, response.json
        headers = {"X-Cart-Token": response.headers["X-Cart-Token"]}
    return headers, variants


def _paths(app: Flask) -> TwoPaths:
    return TwoPaths(app, EXTENSION)


def moves(api: Api, read: Callable[[], object]) -> dict[tuple[str, ...], float]:
    """How the request counts moved over `read()` (not the scrapes'; not the sums and
    buckets of durations, which differ by how long a request took)."""
    before = scrape(api)
    read()
    after = scrape(api)
    moved = {}
    for (name, labels), count in after.items():
        by = dict(labels)
        if count != before.get((name, labels), 0.0) and by.get("route") != "/metrics":
            if name.startswith("shop_") and name.endswith(("_total", "_count")):
                key = (name, by.get("method", ""), by.get("route", ""), by.get("status", ""))
                moved[key] = count - before.get((name, labels), 0.0)
    return moved


def _same(paths: TwoPaths, headers: dict[str, str]) -> Any:
    """The fast path's answer, checked equal to Flask's own (the same request id sent)."""
    sent = {**headers, "X-Request-ID": "req-cart"}
    fast = paths.fast(CART, sent)
    assert answer(fast) == answer(paths.flask_only.get(CART, headers=sent))
    return fast


def test_a_guest_cart_get_is_flasks_answer_byte_for_byte(
    make_app: AppFactory, backend: str, cors_origins: tuple[str, ...]
) -> None:
    api = Api.of(make_app(backend, cors_origins=cors_origins))
    headers, variants = _guest_cart(api)
    paths = _paths(api.app)
    paths.through_flask(CART, headers=headers)  # shows the fast path Flask's headers
    fast = _same(paths, headers)
    assert fast.status_code == 200
    assert [i["variant_id"] for i in fast.json["items"]] == variants
    assert fast.headers["X-Cart-Token"] == headers["X-Cart-Token"]
    assert fast.headers["X-Request-ID"] == "req-cart"
    # An emptied cart, a token of no cart, a token that cannot be ours, a new request id.
    assert api.client.delete(CART, headers=headers).status_code == 204
    assert _same(paths, headers).json["items"] == []
    assert "token" not in _same(paths, {"X-Cart-Token": new_guest_token()}).json
    assert "X-Cart-Token" not in _same(paths, {"X-Cart-Token": "short"}).headers
    fresh = paths.fast(CART, headers)
    assert fresh.headers["X-Request-ID"] != paths.fast(CART, headers).headers["X-Request-ID"]


def test_the_next_get_shows_a_price_change_a_deletion_and_a_write(
    make_app: AppFactory, backend: str
) -> None:
    api = Api.of(make_app(backend))
    headers, (first, second, third) = _guest_cart(api)
    paths = _paths(api.app)
    paths.through_flask(CART, headers=headers)
    set_variant(api.adapters, first, price="7.50")
    delete_variant(api.adapters, second)
    assert api.client.post(ITEMS, json={"variant_id": third, "quantity": 1}, headers=headers)
    body = paths.fast(CART, headers).json
    assert [(i["variant_id"], i["unit_price"], i["quantity"]) for i in body["items"]] == [
        (first, "7.50", 2),
        (third, "3.25", 3),
    ]
    assert (body["subtotal"], body["count"]) == ("24.75", 5)
    assert _same(paths, headers).json == body


def test_what_the_fast_path_cannot_answer_goes_to_flask(make_app: AppFactory, backend: str) -> None:
    api = Api.of(make_app(backend))
    headers, _ = _guest_cart(api)
    paths = _paths(api.app)
    paths.through_flask(CART, headers=headers)
    customer = api.customer_headers()
    assert paths.through_flask(CART, headers={**headers, **customer}).json["items"] == []
    assert paths.through_flask(CART, headers={"Authorization": "Bearer x"}).status_code == 401
    assert paths.through_flask(CART, headers={"X-Cart-Token": "tok\x01en"}).status_code == 422
    assert paths.through_flask(CART).json["items"] == []  # no token: no cart
    assert paths.through_flask(f"{CART}?page=2", headers=headers).status_code == 200
    assert paths.through_flask(CART, headers={**headers, "Origin": FRONT}).status_code == 200
    assert paths.through_flask(CART, method="HEAD", headers=headers).status_code == 200
    assert paths.through_flask(CART, method="DELETE", headers=headers).status_code == 204


def test_nothing_is_answered_before_flask_has_answered_one_so(
    make_app: AppFactory, backend: str
) -> None:
    api = Api.of(make_app(backend))
    headers, _ = _guest_cart(api)
    paths = _paths(api.app)
    assert paths.fast_path.extra_headers is None  # type: ignore[union-attr]
    paths.through_flask(CART, headers=headers)
    paths.fast(CART, headers)


def test_counted_and_logged_as_flask_does(
    make_app: AppFactory,
    backend: str,
    log_lines: Lines,  # noqa: F811
) -> None:
    api = Api.of(make_app(backend))
    headers, _ = _guest_cart(api)
    paths = _paths(api.app)
    paths.through_flask(CART, headers=headers)
    fast = moves(api, lambda: paths.fast(CART, headers))
    flask = moves(api, lambda: paths.flask_only.get(CART, headers=headers))
    assert fast == flask
    assert fast == {
        ("shop_http_requests_total", "GET", "/api/v1/cart", "200"): 1.0,
        ("shop_http_request_duration_seconds_count", "GET", "/api/v1/cart", "200"): 1.0,
    }
    log_lines.lines.clear()
    sent = {**headers, "X-Request-ID": "req-log"}
    paths.fast(CART, sent)
    paths.flask_only.get(CART, headers=sent)
    line = same_request_lines(log_lines.lines)
    assert (line["route"], line["request_id"], line["user_id"]) == (CART, "req-log", None)


@pytest.mark.slow
@pytest.mark.timeout(60)
@pytest.mark.parametrize("outage", ["kill", "pause"])
def test_redis_down_is_flasks_prompt_503(
    make_app: AppFactory, redis_outage: RedisServer, outage: str
) -> None:
    api = Api.of(make_app("postgres"))
    headers, variants = _guest_cart(api, lines=1)
    paths = _paths(api.app)
    paths.through_flask(CART, headers=headers)
    getattr(redis_outage, outage)()  # refused, or accepted and never answered
    try:
        started = time.monotonic()
        response = paths.through_flask(CART, headers=headers)
        elapsed = time.monotonic() - started
    finally:
        redis_outage.resume()
        redis_outage.start()
    assert response.status_code == 503, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert int(response.headers["Retry-After"]) >= 1
    assert elapsed < PROMPT_SECONDS  # one wait for Redis, not one here and one in Flask
    back = _same(paths, headers)  # recovered by itself (a killed Redis restarts empty)
    assert [i["variant_id"] for i in back.json["items"]] == ([] if outage == "kill" else variants)


def test_with_a_rate_limit_every_cart_get_goes_to_flask(make_app: AppFactory) -> None:
    app = make_app("embedded", rate_limit="1000 per minute")
    assert EXTENSION not in app.extensions  # Flask's limiter must count every request
    api = Api.of(app)
    headers, _ = _guest_cart(api, lines=1)
    assert "X-RateLimit-Limit" in api.client.get(CART, headers=headers).headers


def test_an_error_of_the_fast_path_is_left_to_flask(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not a bare 500 from the WSGI server: Flask answers (here, from its own rendering)."""
    api = Api.of(make_app("embedded"))
    headers, _ = _guest_cart(api, lines=1)
    paths = _paths(api.app)
    expected = paths.through_flask(CART, headers=headers).json

    def broken(view: object) -> dict[str, Any]:
        raise RuntimeError("a rendering bug")

    monkeypatch.setattr(cart_fast_path, "cart_body", broken)
    response = paths.through_flask(CART, headers=headers)
    assert response.status_code == 200
    assert response.json == expected
