"""A catalog page costs a fixed number of SQL statements, whatever its size: no N+1."""

from __future__ import annotations

import pytest
from flask import Flask

from shop.adapters.sql.demo_seed import seed_demo
from tests.integration.apps import Api, AppFactory
from tests.integration.statement_count import statements

# The numbers the read queries document (adapters/sql/queries/): a count and a page for a
# list, the product and its variants for a detail, one statement for a variant, and for
# attributes their values too.
LIST_STATEMENTS = 2
EMPTY_LIST_STATEMENTS = 1  # the count says there is no page to read
PRODUCT_STATEMENTS = 1  # the product joined to its variants and their attributes
VARIANT_STATEMENTS = 1
ATTRIBUTE_LIST_STATEMENTS = 3


@pytest.fixture
def uncached(make_app: AppFactory, backend: str) -> Flask:
    app = make_app(backend, cache_enabled=False)
    adapters = app.extensions["shop"]
    seed_demo(adapters.engine, adapters.catalog.version, 60, 3)
    return app


def _cost(app: Flask, url: str, headers: dict[str, str] | None = None) -> int:
    client = app.test_client()
    with statements(app.extensions["shop"].engine) as sent:
        response = client.get(url, headers=headers or {})
    assert response.status_code == 200, response.json
    return len(sent)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "q=phone",
        "q=PHN-0000",
        "category=smartphones&sort=price",
        "attr=Color:Black&attr=Memory:256GB&in_stock=true",
        "min_price=10&max_price=900&sort=-price",
        "in_stock=false&sort=name",
        "sort=rating",
        "min_rating=1&sort=-rating",
    ],
)
def test_a_product_list_costs_the_same_few_statements_at_any_page_size(
    uncached: Flask, query: str
) -> None:
    costs = {
        size: _cost(uncached, f"/api/v1/products?{query}&page_size={size}") for size in (1, 20, 100)
    }
    found = uncached.test_client().get(f"/api/v1/products?{query}").json
    expected = LIST_STATEMENTS if found else EMPTY_LIST_STATEMENTS
    assert costs == dict.fromkeys(costs, expected)


def test_an_admin_list_costs_the_same(uncached: Flask) -> None:
    headers = Api(client=uncached.test_client(), app=uncached).admin_headers()
    costs = {
        size: _cost(uncached, f"/api/v1/products?page_size={size}", headers) for size in (1, 100)
    }
    assert costs == dict.fromkeys(costs, LIST_STATEMENTS)


@pytest.mark.parametrize(
    ("path", "expected"),
    [("/api/v1/categories", LIST_STATEMENTS), ("/api/v1/attributes", ATTRIBUTE_LIST_STATEMENTS)],
)
def test_category_and_attribute_lists_cost_a_fixed_number(
    uncached: Flask, path: str, expected: int
) -> None:
    costs = {size: _cost(uncached, f"{path}?page_size={size}") for size in (1, 100)}
    assert costs == dict.fromkeys(costs, expected)


def test_a_product_costs_one_statement_and_a_variant_one(uncached: Flask) -> None:
    client = uncached.test_client()
    product = client.get("/api/v1/products?page_size=1").json[0]
    assert _cost(uncached, f"/api/v1/products/{product['id']}") == PRODUCT_STATEMENTS
    variant_id = client.get(f"/api/v1/products/{product['id']}").json["variants"][0]["id"]
    assert _cost(uncached, f"/api/v1/variants/{variant_id}") == VARIANT_STATEMENTS


def test_ratings_cost_no_extra_statement(uncached: Flask) -> None:
    api = Api(client=uncached.test_client(), app=uncached)
    product = api.client.get("/api/v1/products?page_size=1").json[0]
    for rating in (5, 3):
        email = api.new_email("rater")
        response = api.client.post(
            f"/api/v1/products/{product['id']}/reviews",
            json={"rating": rating, "comment": "Fine."},
            headers=api.customer_headers(email),
        )
        assert response.status_code == 201, response.json
    assert _cost(uncached, f"/api/v1/products/{product['id']}") == PRODUCT_STATEMENTS
    for size in (1, 100):
        assert _cost(uncached, f"/api/v1/products?sort=-rating&page_size={size}") == LIST_STATEMENTS
    listed = api.client.get("/api/v1/products?sort=-rating&page_size=1").json
    assert listed[0]["rating"] == {"average": 4.0, "count": 2}


def test_a_cached_read_costs_no_statement(make_app: AppFactory, backend: str) -> None:
    app = make_app(backend)
    adapters = app.extensions["shop"]
    seed_demo(adapters.engine, adapters.catalog.version, 10, 2)
    assert _cost(app, "/api/v1/products?page_size=5") > 0
    assert _cost(app, "/api/v1/products?page_size=5") == 0
