"""Hostile text and JSON are a clean 4xx on both backends; nothing reaches the database."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.apps import Api

NUL = "a\u0000b"


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    return dict(response.json)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"q": NUL}, "q"),
        ({"category": NUL}, "category"),
        ({"attr": "Color:B\u0000lue"}, "attr"),
        ({"q": "\x1b[31m"}, "q"),
        ({"sort": "name\x00"}, "sort"),
    ],
)
def test_control_characters_in_a_query_are_422_naming_the_parameter(
    api: Api, query: dict[str, str], field: str
) -> None:
    body = _problem(api.client.get("/api/v1/products", query_string=query), 422)
    assert field in body["errors"]


def test_a_control_character_in_an_unknown_parameter_is_ignored(api: Api) -> None:
    assert api.client.get("/api/v1/products", query_string={"junk": NUL}).status_code == 200


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/auth/login", {"email": "a\u0000@example.com", "password": "x" * 8}, "email"),
        (
            "/api/v1/auth/register",
            {"email": "n@example.com", "password": "x" * 8, "full_name": NUL},
            "full_name",
        ),
        ("/api/v1/auth/register", {"email": "n@example.com", "password": NUL * 4}, "password"),
        ("/api/v1/auth/login", {"email": "\ud800@example.com", "password": "x" * 8}, "email"),
    ],
)
def test_control_characters_in_a_public_body_are_422_naming_the_field(
    api: Api, path: str, body: dict[str, str], field: str
) -> None:
    response = api.client.post(path, json=body)
    assert field in _problem(response, 422)["errors"]


def test_control_characters_in_admin_bodies_are_422_and_nothing_is_stored(api: Api) -> None:
    admin = api.admin_headers()
    response = api.client.post("/api/v1/categories", json={"name": NUL}, headers=admin)
    assert "name" in _problem(response, 422)["errors"]
    response = api.client.post("/api/v1/attributes", json={"name": NUL}, headers=admin)
    assert "name" in _problem(response, 422)["errors"]
    category = api.client.post("/api/v1/categories", json={"name": "Phones"}, headers=admin)
    assert category.status_code == 201
    response = api.client.post(
        "/api/v1/products",
        json={"name": "Nova\u0000", "category_id": category.json["id"]},
        headers=admin,
    )
    assert "name" in _problem(response, 422)["errors"]
    assert [c["name"] for c in api.client.get("/api/v1/categories").json] == ["Phones"]
    assert api.client.get("/api/v1/products").json == []


def test_a_control_character_in_a_nested_key_names_its_path(api: Api) -> None:
    admin = api.admin_headers()
    response = api.client.post(
        "/api/v1/products/1/variants",
        json={"sku": "S-1", "price": "1.00", "stock": 1, "attributes": {"Co\u0000lor": "Blue"}},
        headers=admin,
    )
    assert "attributes.Co\u0000lor" in _problem(response, 422)["errors"]


def test_a_control_character_in_the_cart_token_header_is_422(api: Api) -> None:
    response = api.client.get("/api/v1/cart", headers={"X-Cart-Token": "tok\x01en"})
    assert "X-Cart-Token" in _problem(response, 422)["errors"]


@pytest.mark.parametrize(
    "path", ["/api/v1/auth/login", "/api/v1/auth/register", "/api/v1/cart/items"]
)
@pytest.mark.parametrize("depth", [40, 1000, 100_000])
def test_deeply_nested_json_is_400(api: Api, path: str, depth: int) -> None:
    body = "[" * depth + "]" * depth
    response = api.client.post(path, data=body, content_type="application/json")
    assert _problem(response, 400)["status"] == 400


def test_deeply_nested_json_in_a_field_is_400(api: Api) -> None:
    nested = '{"email": ' + "[" * 200 + "]" * 200 + ', "password": "x"}'
    response = api.client.post("/api/v1/auth/login", data=nested, content_type="application/json")
    _problem(response, 400)
