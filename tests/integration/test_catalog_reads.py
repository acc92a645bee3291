"""Public catalog reads: search, filters, sorting, pagination, visibility, shapes."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest

from tests.integration.apps import Api
from tests.integration.catalog_data import Catalog, build_sample


@pytest.fixture
def catalog(api: Api) -> Catalog:
    return build_sample(api)


def names(catalog: Catalog, query: str = "", headers: dict[str, str] | None = None) -> list[str]:
    response = catalog.api.client.get(f"/api/v1/products?{query}", headers=headers or {})
    assert response.status_code == 200, response.json
    return [p["name"] for p in response.json]


def test_the_default_list_is_newest_first_and_hides_inactive_products(catalog: Catalog) -> None:
    assert names(catalog) == ["Zeta Laptop", "Nova Phone", "Alpha Phone"]


def test_a_product_summary_has_the_contract_shape(catalog: Catalog) -> None:
    response = catalog.api.client.get("/api/v1/products?q=nova")
    (nova,) = response.json
    assert nova == {
        "id": catalog.ids["Nova Phone"],
        "name": "Nova Phone",
        "slug": "nova-phone",
        "category": {"id": catalog.ids["Phones"], "name": "Phones", "slug": "phones"},
        "image_url": None,
        "price_from": "500.00",  # the inactive 100.00 variant does not count
        "currency": "USD",
        "in_stock": True,
        "is_active": True,
        "rating": {"average": None, "count": 0},
    }
    (alpha,) = catalog.api.client.get("/api/v1/products?q=alpha").json
    assert (alpha["price_from"], alpha["in_stock"]) == (None, False)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("NOVA", ["Nova Phone"]),
        ("phone", ["Nova Phone", "Alpha Phone"]),
        ("bright SCREEN", ["Nova Phone"]),
        ("zeta-1", ["Zeta Laptop"]),
        ("blu-128", ["Nova Phone"]),
        ("nova-old", []),  # only an inactive variant has this SKU
        ("hid-1", []),  # inactive product
        ("100%", ["Zeta Laptop"]),
        ("%%", []),  # wildcards are literal
        ("d_a", ["Zeta Laptop"]),  # recycled_aluminium
        ("o_e", []),  # as a wildcard it would match "Phone"
        ("\\", []),
    ],
)
def test_q_matches_name_description_or_sku_case_insensitively(
    catalog: Catalog, q: str, expected: list[str]
) -> None:
    assert names(catalog, f"q={quote(q)}") == expected


def test_filter_by_category_slug(catalog: Catalog) -> None:
    assert names(catalog, "category=laptops") == ["Zeta Laptop"]
    assert names(catalog, "category=phones") == ["Nova Phone", "Alpha Phone"]
    assert names(catalog, "category=unknown") == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("min_price=600", ["Zeta Laptop", "Nova Phone"]),
        ("max_price=600", ["Nova Phone"]),
        ("max_price=499.99", []),  # the inactive 100.00 variant does not count
        ("min_price=600&max_price=800", ["Nova Phone"]),
        ("min_price=1200.00&max_price=1200.00", ["Zeta Laptop"]),
    ],
)
def test_price_range_matches_when_an_active_variant_is_in_it(
    catalog: Catalog, query: str, expected: list[str]
) -> None:
    assert names(catalog, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("attr=Color:Blue", ["Nova Phone"]),
        ("attr=color:blue&attr=memory:128gb", ["Nova Phone"]),
        # Blue and 256GB exist on Nova, but not on one active variant
        ("attr=Color:Blue&attr=Memory:256GB", []),
        ("attr=Memory:256GB", ["Zeta Laptop", "Nova Phone"]),
        ("attr=Memory:256GB&in_stock=true", ["Zeta Laptop"]),
        ("attr=Memory:256GB&max_price=800", ["Nova Phone"]),
        ("attr=Size:XL", []),
    ],
)
def test_attribute_filters_must_all_hold_for_one_variant(
    catalog: Catalog, query: str, expected: list[str]
) -> None:
    assert names(catalog, query) == expected


def test_in_stock(catalog: Catalog) -> None:
    assert names(catalog, "in_stock=true") == ["Zeta Laptop", "Nova Phone"]
    assert names(catalog, "in_stock=false") == ["Alpha Phone"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Alpha Phone", "Nova Phone", "Zeta Laptop"]),
        ("-name", ["Zeta Laptop", "Nova Phone", "Alpha Phone"]),
        ("created_at", ["Alpha Phone", "Nova Phone", "Zeta Laptop"]),
        ("-created_at", ["Zeta Laptop", "Nova Phone", "Alpha Phone"]),
        ("price", ["Nova Phone", "Zeta Laptop", "Alpha Phone"]),  # no price: last
        ("-price", ["Zeta Laptop", "Nova Phone", "Alpha Phone"]),
    ],
)
def test_sorting(catalog: Catalog, sort: str, expected: list[str]) -> None:
    assert names(catalog, f"sort={sort}") == expected


def test_pagination_header_and_pages(catalog: Catalog) -> None:
    client = catalog.api.client
    first = client.get("/api/v1/products?page_size=2")
    assert [p["name"] for p in first.json] == ["Zeta Laptop", "Nova Phone"]
    assert json.loads(first.headers["X-Pagination"]) == {
        "total": 3,
        "total_pages": 2,
        "first_page": 1,
        "last_page": 2,
        "page": 1,
        "next_page": 2,
        "total_relation": "eq",
    }
    second = client.get("/api/v1/products?page_size=2&page=2")
    assert [p["name"] for p in second.json] == ["Alpha Phone"]
    assert json.loads(second.headers["X-Pagination"])["previous_page"] == 1
    past = client.get("/api/v1/products?page_size=2&page=3")
    assert past.status_code == 200
    assert past.json == []
    assert "page" not in json.loads(past.headers["X-Pagination"])
    assert client.get("/api/v1/products?page_size=100").status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "page_size=101",
        "page_size=0",
        "page=0",
        "page=abc",
        "sort=bogus",
        "min_price=abc",
        "max_price=-1",
        "min_price=10&max_price=5",
        "in_stock=maybe",
        "attr=NoColon",
        "attr=Color:",
    ],
)
def test_invalid_query_parameters_are_422(catalog: Catalog, query: str) -> None:
    response = catalog.api.client.get(f"/api/v1/products?{query}")
    assert response.status_code == 422
    assert response.json["errors"]


@pytest.mark.parametrize("path", ["/api/v1/categories", "/api/v1/attributes"])
def test_categories_and_attributes_are_paginated_too(catalog: Catalog, path: str) -> None:
    client = catalog.api.client
    response = client.get(f"{path}?page_size=1")
    assert len(response.json) == 1
    assert json.loads(response.headers["X-Pagination"])["total"] == 2
    assert client.get(f"{path}?page=9").json == []
    assert client.get(f"{path}?page_size=101").status_code == 422


def test_attribute_list_has_values(catalog: Catalog) -> None:
    attributes = catalog.api.client.get("/api/v1/attributes").json
    assert [(a["name"], [v["value"] for v in a["values"]]) for a in attributes] == [
        ("Color", ["Blue", "Red"]),
        ("Memory", ["128GB", "256GB"]),
    ]


def test_product_detail_lists_active_variants_with_their_attributes(catalog: Catalog) -> None:
    response = catalog.api.client.get(f"/api/v1/products/{catalog.ids['Nova Phone']}")
    assert response.status_code == 200
    product = response.json
    assert product["description"] == "Bright screen, long battery."
    assert product["is_active"] is True
    assert [v["sku"] for v in product["variants"]] == ["NOVA-BLU-128", "NOVA-RED-256"]
    blue = product["variants"][0]
    assert blue["attributes"] == [
        {"name": "Color", "value": "Blue"},
        {"name": "Memory", "value": "128GB"},
    ]
    assert (blue["price"], blue["currency"], blue["stock"], blue["in_stock"]) == (
        "500.00",
        "USD",
        3,
        True,
    )


def test_inactive_products_and_variants_are_hidden_from_the_public(catalog: Catalog) -> None:
    client = catalog.api.client
    hidden, old = catalog.ids["Hidden Phone"], catalog.ids["NOVA-OLD"]
    for headers in ({}, catalog.api.customer_headers()):
        assert client.get(f"/api/v1/products/{hidden}", headers=headers).status_code == 404
        assert client.get(f"/api/v1/variants/{old}", headers=headers).status_code == 404
        # a variant of an inactive product is hidden too
        assert (
            client.get(f"/api/v1/variants/{catalog.ids['HID-1']}", headers=headers).status_code
            == 404
        )
    assert client.get(f"/api/v1/products/{hidden + 1000}").status_code == 404


def test_admins_see_inactive_products_and_variants(catalog: Catalog) -> None:
    client, admin = catalog.api.client, catalog.admin
    assert "Hidden Phone" in names(catalog, headers=admin)
    listed = {p["name"]: p for p in client.get("/api/v1/products", headers=admin).json}
    assert listed["Hidden Phone"]["is_active"] is False
    hidden = client.get(f"/api/v1/products/{catalog.ids['Hidden Phone']}", headers=admin)
    assert (hidden.status_code, hidden.json["is_active"]) == (200, False)
    nova = client.get(f"/api/v1/products/{catalog.ids['Nova Phone']}", headers=admin).json
    assert [v["is_active"] for v in nova["variants"]] == [True, True, False]
    old = client.get(f"/api/v1/variants/{catalog.ids['NOVA-OLD']}", headers=admin)
    assert (old.status_code, old.json["is_active"]) == (200, False)


def test_deactivating_and_reactivating_shows_at_once(catalog: Catalog) -> None:
    zeta = catalog.ids["Zeta Laptop"]
    assert "Zeta Laptop" in names(catalog)
    catalog.patch(f"/products/{zeta}", {"is_active": False})
    assert "Zeta Laptop" not in names(catalog)
    assert catalog.api.client.get(f"/api/v1/products/{zeta}").status_code == 404
    catalog.patch(f"/products/{zeta}", {"is_active": True})
    assert catalog.api.client.get(f"/api/v1/products/{zeta}").status_code == 200


def test_etag_and_if_none_match(catalog: Catalog) -> None:
    client, url = catalog.api.client, f"/api/v1/products/{catalog.ids['Zeta Laptop']}"
    first = client.get(url)
    etag = first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    catalog.patch(f"/variants/{catalog.ids['ZETA-1']}", {"price": "999.00"})
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert changed.json["variants"][0]["price"] == "999.00"
    listed = client.get("/api/v1/products")
    assert (
        client.get(
            "/api/v1/products", headers={"If-None-Match": listed.headers["ETag"]}
        ).status_code
        == 304
    )


def _public_reads(catalog: Catalog) -> list[str]:
    return [
        "/api/v1/products",
        f"/api/v1/products/{catalog.ids['Nova Phone']}",
        f"/api/v1/variants/{catalog.ids['ZETA-1']}",
        "/api/v1/categories",
        "/api/v1/attributes",
    ]


def test_every_public_read_answers_with_an_etag(catalog: Catalog) -> None:
    for path in _public_reads(catalog):
        response: Any = catalog.api.client.get(path)
        assert response.status_code == 200, path
        assert response.headers["ETag"].startswith('"'), path
