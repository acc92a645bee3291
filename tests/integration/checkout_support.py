"""Helpers of the checkout and order tests: fill a cart, check out, read stock."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

BODY: dict[str, Any] = {
    "full_name": "Ann Buyer",
    "email": "ann@example.com",
    "phone": "+49 30 123456",
    "address": {"line1": "1 Main St", "city": "Berlin", "postal_code": "10115", "country": "DE"},
}


def guest_cart(client: FlaskClient, lines: dict[int, int]) -> str:
    """A new guest cart holding `lines`; its token."""
    token: str | None = None
    for variant_id, quantity in lines.items():
        headers = {"X-Cart-Token": token} if token else {}
        response = client.post(
            "/api/v1/cart/items",
            json={"variant_id": variant_id, "quantity": quantity},
            headers=headers,
        )
        assert response.status_code == 200, response.json
        token = response.headers["X-Cart-Token"]
    assert token is not None
    return token


def fill_cart(client: FlaskClient, headers: dict[str, str], lines: dict[int, int]) -> None:
    for variant_id, quantity in lines.items():
        response = client.post(
            "/api/v1/cart/items",
            json={"variant_id": variant_id, "quantity": quantity},
            headers=headers,
        )
        assert response.status_code == 200, response.json


def stock_of(client: FlaskClient, variant_id: int, admin: dict[str, str]) -> int:
    response = client.get(f"/api/v1/variants/{variant_id}", headers=admin)
    assert response.status_code == 200, response.json
    return int(response.json["stock"])  # type: ignore[index]
