"""SHOP_CORS_ORIGINS: browsers on the listed origins may call the API; nobody else."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from shop.settings import Settings, SettingsError
from tests.integration.apps import AppFactory

FRONT = "https://front.example.com"


def _preflight(client: FlaskClient, origin: str) -> TestResponse:
    return client.options(
        "/api/v1/cart/items",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Authorization, Content-Type",
        },
    )


def test_without_the_setting_no_origin_is_allowed(make_app: AppFactory) -> None:
    client = make_app("embedded").test_client()
    response = client.get("/api/v1/products", headers={"Origin": FRONT})
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Access-Control-Allow-Origin" not in _preflight(client, FRONT).headers


def test_a_listed_origin_gets_preflight_and_credentials(make_app: AppFactory) -> None:
    client = make_app("embedded", cors_origins=(FRONT,)).test_client()
    preflight = _preflight(client, FRONT)
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == FRONT
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "authorization" in preflight.headers["Access-Control-Allow-Headers"].lower()
    assert preflight.headers["Access-Control-Allow-Credentials"] == "true"
    response = client.get("/api/v1/products", headers={"Origin": FRONT})
    assert response.headers["Access-Control-Allow-Origin"] == FRONT
    assert "X-Pagination" in response.headers["Access-Control-Expose-Headers"]


def test_an_unlisted_origin_is_not_allowed(make_app: AppFactory) -> None:
    client = make_app("embedded", cors_origins=(FRONT,)).test_client()
    response = client.get("/api/v1/products", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_any_origin_never_comes_with_credentials(make_app: AppFactory) -> None:
    client = make_app("embedded", cors_origins=("*",)).test_client()
    response = _preflight(client, "https://anyone.example")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers


@pytest.mark.parametrize("value", ["*,https://a.example", "front.example.com", "https://a/b"])
def test_a_malformed_origin_list_is_refused(value: str) -> None:
    with pytest.raises(SettingsError):
        Settings.from_env({"SHOP_CORS_ORIGINS": value}).validate()


def test_the_origin_list_is_read_from_the_environment() -> None:
    settings = Settings.from_env({"SHOP_CORS_ORIGINS": f"{FRONT}, http://localhost:3000"})
    assert settings.cors_origins == (FRONT, "http://localhost:3000")
