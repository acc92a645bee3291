"""Redis trouble: every cart request is a quick 503 with Retry-After, no cart is lost or
replaced meanwhile, and the API recovers by itself when Redis is back."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from redis import Redis

from tests.integration.apps import Api, AppFactory
from tests.integration.factories import make_variant
from tests.support.servers import RedisServer

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]

CART = "/api/v1/cart"
ITEMS = "/api/v1/cart/items"
PROMPT_SECONDS = 1.5


def cart_requests(variant: int, guest: dict[str, str], user: dict[str, str]) -> Iterator[Any]:
    """(method, path, headers, json) of every cart endpoint, as a guest and as a user."""
    for headers in (guest, user, {}):
        yield "POST", ITEMS, headers, {"variant_id": variant, "quantity": 1}
        yield "PUT", f"{ITEMS}/{variant}", headers, {"quantity": 2}
        if headers:  # a guest without a token has no cart to read or empty: no Redis needed
            yield "GET", CART, headers, None
            yield "DELETE", f"{ITEMS}/{variant}", headers, None
            yield "DELETE", CART, headers, None
    yield "POST", "/api/v1/cart/merge", {**user, **guest}, None


def assert_prompt_503(client: FlaskClient, method: str, path: str, headers: Any, body: Any) -> None:
    started = time.monotonic()
    response = client.open(path, method=method, headers=headers, json=body)
    elapsed = time.monotonic() - started
    assert response.status_code == 503, (method, path, response.get_data(as_text=True))
    assert response.mimetype == "application/problem+json"
    assert int(response.headers["Retry-After"]) >= 1
    assert "X-Cart-Token" not in response.headers  # no new cart was made up meanwhile
    assert elapsed < PROMPT_SECONDS, (method, path, elapsed)


def quantities(client: FlaskClient, headers: dict[str, str]) -> dict[int, int]:
    response = client.get(CART, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return {i["variant_id"]: i["quantity"] for i in response.json["items"]}


def test_redis_down_gives_prompt_503s_and_the_api_recovers_when_it_returns(
    make_app: AppFactory, redis_outage: RedisServer
) -> None:
    app = make_app("postgres")
    api = Api(client=app.test_client(), app=app)
    variant = make_variant(api.adapters, stock=20)
    user = api.customer_headers()
    first = api.client.post(ITEMS, json={"variant_id": variant, "quantity": 3})
    guest = {"X-Cart-Token": first.headers["X-Cart-Token"]}
    api.client.post(ITEMS, json={"variant_id": variant, "quantity": 4}, headers=user)

    # Keep a snapshot, so the restarted (otherwise empty) server has the carts back and the
    # test can see that nothing done during the outage touched them.
    snapshot_client = Redis.from_url(redis_outage.url)
    snapshot_client.save()
    snapshot_client.close()
    redis_outage.kill()
    try:
        for method, path, headers, body in cart_requests(variant, guest, user):
            assert_prompt_503(api.client, method, path, headers, body)
    finally:
        redis_outage.start()
        (redis_outage.workdir / "dump.rdb").unlink(missing_ok=True)

    assert quantities(api.client, guest) == {variant: 3}
    assert quantities(api.client, user) == {variant: 4}
    added = api.client.post(ITEMS, json={"variant_id": variant, "quantity": 1}, headers=guest)
    assert added.status_code == 200
    assert added.headers["X-Cart-Token"] == guest["X-Cart-Token"]
    assert quantities(api.client, guest) == {variant: 4}


def test_a_hanging_redis_is_a_503_within_about_a_second_and_then_recovers(
    make_app: AppFactory, redis_outage: RedisServer
) -> None:
    app = make_app("postgres")
    client = app.test_client()
    variant = make_variant(app.extensions["shop"], stock=20)
    guest = {
        "X-Cart-Token": client.post(ITEMS, json={"variant_id": variant, "quantity": 2}).headers[
            "X-Cart-Token"
        ]
    }

    redis_outage.pause()  # connections are accepted, nothing answers: the client times out
    try:
        assert_prompt_503(client, "GET", CART, guest, None)
        # A timed-out write may still run once Redis wakes up: send one that is idempotent.
        assert_prompt_503(client, "PUT", f"{ITEMS}/{variant}", guest, {"quantity": 2})
    finally:
        redis_outage.resume()

    assert quantities(client, guest) == {variant: 2}
    added = client.post(ITEMS, json={"variant_id": variant, "quantity": 1}, headers=guest)
    assert added.status_code == 200
    assert quantities(client, guest) == {variant: 3}


def test_the_embedded_cart_needs_no_redis(make_app: AppFactory) -> None:
    app = make_app("embedded")
    assert app.extensions["shop"].redis is None
    client = app.test_client()
    variant = make_variant(app.extensions["shop"])
    response = client.post(ITEMS, json={"variant_id": variant, "quantity": 1})
    assert response.status_code == 200
    assert response.headers["X-Cart-Token"]
