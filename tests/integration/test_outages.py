"""A backing service that goes away gives a quick 503, and the API recovers by itself."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from shop.adapters.sql import migrations
from tests.integration.apps import PASSWORD, Api, AppFactory, bearer
from tests.support.servers import PostgresServer, RedisServer, start_postgres

QUICK = 2.5  # seconds: 503 must come well before a client or load balancer gives up


def timed(call):  # type: ignore[no-untyped-def]
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def assert_unavailable(response, elapsed: float, service: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 503, response.data
    assert response.mimetype == "application/problem+json"
    assert int(response.headers["Retry-After"]) >= 1
    assert service in response.json["detail"]
    assert elapsed < QUICK, f"503 took {elapsed:.2f}s"


@pytest.mark.parametrize("failure", ["killed", "frozen"])
def test_redis_outage_is_a_quick_503_then_recovers(
    make_app: AppFactory, redis_outage: RedisServer, failure: str
) -> None:
    app = make_app("postgres")
    api = Api(client=app.test_client(), app=app)
    headers = api.customer_headers()
    if failure == "killed":
        redis_outage.kill()
    else:
        redis_outage.pause()

    assert_unavailable(*timed(lambda: api.client.get("/api/v1/auth/me", headers=headers)), "redis")
    login = {"email": "someone@example.com", "password": PASSWORD}
    assert_unavailable(*timed(lambda: api.client.post("/api/v1/auth/login", json=login)), "redis")
    ready, _ = timed(lambda: api.client.get("/readyz"))
    assert ready.status_code == 503
    assert ready.json["checks"] == {"database": "ok", "redis": "unavailable"}

    if failure == "killed":
        redis_outage.start()
    else:
        redis_outage.resume()
    assert _eventually_ok(api.client, "/readyz")
    assert api.client.get("/api/v1/auth/me", headers=headers).status_code == 200


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL of this test's own, so stopping it disturbs no other test."""
    with start_postgres() as server:
        migrations.upgrade(server.url)
        # The test servers run with synchronous_commit=off: flush before simulating a crash.
        engine = create_engine(server.url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("CHECKPOINT"))
        engine.dispose()
        yield server


def test_database_outage_is_a_quick_503_then_recovers(
    make_app: AppFactory, own_postgres: PostgresServer
) -> None:
    app = make_app("postgres", database_url=own_postgres.url)
    api = Api(client=app.test_client(), app=app)
    own_postgres.kill()
    body = {"email": api.new_email(), "password": PASSWORD}
    assert_unavailable(
        *timed(lambda: api.client.post("/api/v1/auth/register", json=body)), "database"
    )
    ready, _ = timed(lambda: api.client.get("/readyz"))
    assert ready.status_code == 503
    assert ready.json["checks"]["database"] == "unavailable"

    own_postgres.start()
    assert _eventually_ok(api.client, "/readyz")
    email = api.new_email()
    api.register(email)
    tokens = api.login(email)
    assert (
        api.client.get("/api/v1/auth/me", headers=bearer(tokens["access_token"])).status_code == 200
    )


def _eventually_ok(client: FlaskClient, path: str, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if client.get(path).status_code == 200:
            return True
        time.sleep(0.2)
    return False
