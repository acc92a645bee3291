"""Checkout while a backing service is down: a quick 503, nothing written, then it recovers."""

from __future__ import annotations

from sqlalchemy import func, select

from shop.adapters.sql.order_tables import idempotency_keys, orders, outbox
from tests.integration.apps import Api, AppFactory
from tests.integration.checkout_support import BODY, guest_cart
from tests.integration.factories import make_variant
from tests.integration.test_outages import (  # noqa: F401 (the fixture)
    _eventually_ok,
    assert_unavailable,
    own_postgres,
    timed,
)
from tests.support.servers import PostgresServer, RedisServer


def counts(api: Api) -> tuple[int, int, int]:
    with api.adapters.engine.connect() as connection:
        return tuple(  # type: ignore[return-value]
            connection.scalar(select(func.count()).select_from(t))
            for t in (orders, outbox, idempotency_keys)
        )


def test_redis_down_at_checkout_is_503_and_writes_nothing(
    make_app: AppFactory, redis_outage: RedisServer
) -> None:
    api = Api.of(make_app("postgres"))
    variant = make_variant(api.adapters, stock=3)
    token = guest_cart(api.client, {variant: 2})
    headers = {"X-Cart-Token": token, "Idempotency-Key": "k"}
    redis_outage.pause()
    response, elapsed = timed(
        lambda: api.client.post("/api/v1/checkout", json=BODY, headers=headers)
    )
    assert_unavailable(response, elapsed, "redis")
    assert counts(api) == (0, 0, 0)
    redis_outage.resume()
    assert _eventually_ok(api.client, "/readyz")
    cart = api.client.get("/api/v1/cart", headers={"X-Cart-Token": token}).json
    assert [(x["variant_id"], x["quantity"]) for x in cart["items"]] == [(variant, 2)]
    assert api.client.post("/api/v1/checkout", json=BODY, headers=headers).status_code == 201


def test_postgres_down_at_checkout_is_503_and_the_cart_stays(
    make_app: AppFactory,
    own_postgres: PostgresServer,  # noqa: F811
) -> None:
    api = Api.of(make_app("postgres", database_url=own_postgres.url))
    variant = make_variant(api.adapters, stock=3)
    token = guest_cart(api.client, {variant: 1})
    headers = {"X-Cart-Token": token, "Idempotency-Key": "k"}
    own_postgres.execute("CHECKPOINT")  # the test servers commit asynchronously
    own_postgres.kill()
    response, elapsed = timed(
        lambda: api.client.post("/api/v1/checkout", json=BODY, headers=headers)
    )
    assert_unavailable(response, elapsed, "database")
    own_postgres.start()
    assert _eventually_ok(api.client, "/readyz")
    assert len(api.client.get("/api/v1/cart", headers={"X-Cart-Token": token}).json["items"]) == 1
    assert counts(api) == (0, 0, 0)
    assert api.client.post("/api/v1/checkout", json=BODY, headers=headers).status_code == 201
