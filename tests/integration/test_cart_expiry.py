"""Carts expire SHOP_CART_TTL seconds after their last write; reads do not keep them alive."""

from __future__ import annotations

import time

import pytest
from redis import Redis

from tests.integration.apps import AppFactory
from tests.integration.factories import make_variant

pytestmark = pytest.mark.timeout(60)

CART = "/api/v1/cart"
ITEMS = "/api/v1/cart/items"


def test_a_guest_cart_lives_ttl_seconds_after_its_last_write(
    make_app: AppFactory, backend: str
) -> None:
    app = make_app(backend, cart_ttl=2)
    client = app.test_client()
    variant = make_variant(app.extensions["shop"], stock=50)
    token = client.post(ITEMS, json={"variant_id": variant, "quantity": 1}).headers["X-Cart-Token"]
    headers = {"X-Cart-Token": token}

    time.sleep(1.2)
    renewed = client.put(f"{ITEMS}/{variant}", json={"quantity": 3}, headers=headers)
    assert renewed.status_code == 200
    time.sleep(1.2)  # 2.4 s after creation, 1.2 s after the last write
    alive = client.get(CART, headers=headers)
    assert alive.json["token"] == token
    assert alive.json["count"] == 3

    time.sleep(1.1)  # 2.3 s after the last write; the read above did not renew it
    expired = client.get(CART, headers=headers)
    assert expired.status_code == 200
    assert expired.json["items"] == []
    assert "token" not in expired.json
    fresh = client.post(ITEMS, json={"variant_id": variant, "quantity": 1}, headers=headers)
    assert fresh.status_code == 200
    assert fresh.headers["X-Cart-Token"] != token
    assert fresh.json["count"] == 1


def test_the_redis_key_carries_the_ttl_and_each_write_renews_it(
    make_app: AppFactory, redis_url: str
) -> None:
    app = make_app("postgres", cart_ttl=30)
    client = app.test_client()
    variant = make_variant(app.extensions["shop"], stock=50)
    token = client.post(ITEMS, json={"variant_id": variant, "quantity": 1}).headers["X-Cart-Token"]
    redis = Redis.from_url(redis_url, decode_responses=True)
    [key] = redis.keys("shop:cart:guest:*")
    assert key.endswith(token)
    assert 28 <= redis.ttl(key) <= 30
    redis.expire(key, 5)
    client.get(CART, headers={"X-Cart-Token": token})
    assert redis.ttl(key) <= 5
    client.delete(f"{ITEMS}/{variant}", headers={"X-Cart-Token": token})
    assert 28 <= redis.ttl(key) <= 30
    redis.close()
