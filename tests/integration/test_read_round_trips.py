"""Reads cost one round trip per statement, as PostgreSQL receives them: the read-only paths
run in autocommit, so no BEGIN and no ROLLBACK travel around the statements that answer, and
no SET when a connection goes back to its pool (each request is sent several times, so that
the connections are used again, as in a running server). The hot lookups are prepared: a
PREPARE the first time a connection sends one, then an EXECUTE each time."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import create_engine, text

from shop.adapters.sql.demo_seed import seed_demo
from tests.integration.apps import AppFactory
from tests.integration.factories import make_variant
from tests.integration.server_statements import received
from tests.support.servers import PostgresServer

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SET", "SHOW")
REPEATS = 3


@pytest.fixture
def uncached(make_app: AppFactory) -> Flask:
    app = make_app("postgres", cache_enabled=False)
    adapters = app.extensions["shop"]
    seed_demo(adapters.engine, adapters.catalog.version, 30, 3)
    return app


def _received(app: Flask, server: PostgresServer, url: str, **headers: str) -> list[str]:
    """What the server received for REPEATS requests of `url`, one after the other (after one
    more: an engine's first connection asks the server its version and types, once)."""
    client = app.test_client()
    assert client.get(url, headers=headers).status_code == 200
    with received(app.extensions["shop"].engine, server) as statements:
        for _ in range(REPEATS):
            response = client.get(url, headers=headers)
            assert response.status_code == 200, response.json
    return statements


def _kinds(statements: list[str]) -> list[str]:
    return [statement.split()[0].upper() for statement in statements]


def _prepared(count: int) -> list[str]:
    """What REPEATS requests of `count` prepared statements each send on one connection."""
    return ["PREPARE", "EXECUTE"] * count + ["EXECUTE"] * count * (REPEATS - 1)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/api/v1/products", _prepared(2)),  # the capped count and the page
        # A filter's plan depends on its values: sent as text, planned each time.
        ("/api/v1/products?sort=price&in_stock=true&page_size=100", ["SELECT"] * 2 * REPEATS),
        ("/api/v1/products?q=e", ["SELECT"] * 2 * REPEATS),
        ("/api/v1/products?page=2&page_size=5", ["SELECT"] * 2 * REPEATS),
        ("/api/v1/categories", ["SELECT"] * 2 * REPEATS),
        ("/api/v1/attributes", ["SELECT"] * 3 * REPEATS),  # and the attributes' values
    ],
)
def test_an_uncached_list_is_its_statements_and_nothing_else(
    uncached: Flask, postgres_server: PostgresServer, path: str, expected: list[str]
) -> None:
    statements = _received(uncached, postgres_server, path)
    assert _kinds(statements) == expected, statements
    assert not set(_kinds(statements)) & set(TRANSACTION_CONTROL), statements


def test_a_product_is_one_statement_and_a_variant_one(
    uncached: Flask, postgres_server: PostgresServer
) -> None:
    client = uncached.test_client()
    product = client.get("/api/v1/products?page_size=1").json[0]
    detail = _received(uncached, postgres_server, f"/api/v1/products/{product['id']}")
    assert _kinds(detail) == _prepared(1), detail  # the product joined to its variants
    variant_id = client.get(f"/api/v1/products/{product['id']}").json["variants"][0]["id"]
    variant = _received(uncached, postgres_server, f"/api/v1/variants/{variant_id}")
    assert _kinds(variant) == _prepared(1), variant


def test_without_prepared_statements_the_statements_are_selects(
    make_app: AppFactory, postgres_server: PostgresServer
) -> None:
    """SHOP_DATABASE_PREPARED_STATEMENTS=0 (pgbouncer's transaction pooling): plain text."""
    app = make_app("postgres", cache_enabled=False, database_prepared_statements=False)
    adapters = app.extensions["shop"]
    seed_demo(adapters.engine, adapters.catalog.version, 3, 2)
    product = app.test_client().get("/api/v1/products?page_size=1").json[0]
    detail = _received(app, postgres_server, f"/api/v1/products/{product['id']}")
    assert _kinds(detail) == ["SELECT"] * REPEATS, detail
    listed = _received(app, postgres_server, "/api/v1/products")
    assert _kinds(listed) == ["SELECT", "SELECT"] * REPEATS, listed


def test_a_cart_read_is_one_statement(
    make_app: AppFactory, postgres_server: PostgresServer
) -> None:
    app = make_app("postgres")
    client = app.test_client()
    token = None
    for n in range(5):
        variant = make_variant(app.extensions["shop"], attributes={"Size": f"S{n}"})
        response = client.post(
            "/api/v1/cart/items",
            json={"variant_id": variant, "quantity": 1},
            headers={"X-Cart-Token": token} if token else {},
        )
        assert response.status_code == 200, response.json
        token = response.headers["X-Cart-Token"]
    cart = {"X-Cart-Token": str(token)}
    assert client.get("/api/v1/cart", headers=cart).status_code == 200
    version = app.extensions["shop"].catalog.version
    with received(app.extensions["shop"].engine, postgres_server) as statements:
        for _ in range(REPEATS):
            version.bump()  # the variants' short-lived copy is stale: each read asks again
            assert client.get("/api/v1/cart", headers=cart).status_code == 200
    assert _kinds(statements) == _prepared(1), statements


def test_a_schema_change_under_the_prepared_statements_heals_after_one_503(
    uncached: Flask, migrated_postgres_url: str
) -> None:
    """A migration changing a selected column's type while the server runs: PostgreSQL refuses
    the statements prepared before it ("cached plan must not change result type"). That read
    is a 503 like a lost connection, the pool is renewed, and the next read prepares anew."""
    client = uncached.test_client()
    product = client.get("/api/v1/products?page_size=1").json[0]
    path = f"/api/v1/products/{product['id']}"
    for _ in range(REPEATS):
        assert client.get(path).status_code == 200
    ddl = create_engine(migrated_postgres_url, isolation_level="AUTOCOMMIT")
    try:
        with ddl.connect() as connection:
            connection.execute(text("ALTER TABLE products ALTER COLUMN name TYPE varchar(300)"))
        stale = client.get(path)
        assert stale.status_code == 503, stale.json
        assert stale.mimetype == "application/problem+json"
        assert stale.headers["Retry-After"]
        healed = client.get(path)
        assert healed.status_code == 200, healed.json
        assert healed.json["name"] == product["name"]
    finally:
        with ddl.connect() as connection:
            connection.execute(text("ALTER TABLE products ALTER COLUMN name TYPE varchar(200)"))
        ddl.dispose()
