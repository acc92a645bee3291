"""A cart add is at most 2 Redis round trips (the lines, then one script that checks the cap
and writes), a cart read 1 (the cart's hash and the catalog version in one pipeline, with the
signed-in caller's token revocation keys)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.integration.apps import Api, AppFactory
from tests.integration.factories import make_variant
from tests.integration.redis_round_trips import round_trips

ITEMS = "/api/v1/cart/items"


@pytest.fixture
def app(make_app: AppFactory) -> Flask:
    return make_app("postgres")


def _add(client: FlaskClient, variant: int, headers: dict[str, str]) -> str:
    response = client.post(ITEMS, json={"variant_id": variant, "quantity": 1}, headers=headers)
    assert response.status_code == 200, response.json
    return str(response.headers.get("X-Cart-Token", ""))


def test_a_guest_add_and_read_cost_two_round_trips_and_one(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = app.test_client()
    variants = [make_variant(app.extensions["shop"]) for _ in range(3)]
    token = _add(client, variants[0], {})  # opens the pooled connection, sets the version
    guest = {"X-Cart-Token": token}
    client.get("/api/v1/cart", headers=guest)
    with round_trips(monkeypatch) as add:
        _add(client, variants[1], guest)
    with round_trips(monkeypatch) as again:
        _add(client, variants[1], guest)
    with round_trips(monkeypatch) as read:
        response = client.get("/api/v1/cart", headers=guest)
    assert len(response.json["items"]) == 2
    assert len(add) <= 2, add
    assert len(again) <= 2, again
    assert len(read) == 1, read


def test_a_refused_add_changes_nothing_in_the_same_round_trips(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = app.test_client()
    variant = make_variant(app.extensions["shop"], stock=1)
    guest = {"X-Cart-Token": _add(client, variant, {})}
    with round_trips(monkeypatch) as refused:
        response = client.post(ITEMS, json={"variant_id": variant, "quantity": 1}, headers=guest)
    assert response.status_code == 409
    assert len(refused) <= 2, refused
    assert client.get("/api/v1/cart", headers=guest).json["count"] == 1


def test_a_signed_in_read_checks_the_revocation_in_the_same_round_trip(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = Api(client=app.test_client(), app=app)
    headers = api.customer_headers()
    _add(api.client, make_variant(app.extensions["shop"]), headers)
    api.client.get("/api/v1/cart", headers=headers)  # the first read sets the catalog version
    with round_trips(monkeypatch) as read:
        assert api.client.get("/api/v1/cart", headers=headers).status_code == 200
    assert len(read) == 1, read
    assert b"MGET" in read[0], read  # the token's revocation keys...
    assert b"HGETALL" in read[0], read  # ...and the cart, in one pipeline
