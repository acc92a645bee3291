"""Catalog admin writes (API.md "Catalog"), on the embedded default and on PostgreSQL."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.integration.apps import Api, AppFactory
from tests.integration.catalog_data import Catalog, build_sample

WRITES = [
    ("post", "/api/v1/categories", {"name": "X"}),
    ("patch", "/api/v1/categories/1", {"name": "X"}),
    ("delete", "/api/v1/categories/1", None),
    ("post", "/api/v1/attributes", {"name": "Size"}),
    ("post", "/api/v1/attributes/1/values", {"value": "XL"}),
    ("post", "/api/v1/products", {"name": "X", "category_id": 1}),
    ("patch", "/api/v1/products/1", {"name": "X"}),
    ("delete", "/api/v1/products/1", None),
    ("post", "/api/v1/products/1/variants", {"sku": "X-1", "price": "1.00", "stock": 1}),
    ("patch", "/api/v1/variants/1", {"stock": 1}),
]


@pytest.fixture
def catalog(api: Api) -> Catalog:
    return build_sample(api)


def _call(api: Api, method: str, path: str, body: Any, headers: dict[str, str]) -> Any:
    return getattr(api.client, method)(path, json=body, headers=headers)


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_catalog_writes_need_a_token_and_the_admin_role(
    catalog: Catalog, method: str, path: str, body: Any
) -> None:
    api = catalog.api
    anonymous = _call(api, method, path, body, {})
    assert anonymous.status_code == 401
    assert anonymous.mimetype == "application/problem+json"
    customer = _call(api, method, path, body, api.customer_headers())
    assert customer.status_code == 403
    forged = _call(api, method, path, body, {"Authorization": "Bearer not-a-token"})
    assert forged.status_code == 401


def test_category_slugs_are_derived_unique_and_explicit_duplicates_conflict(
    catalog: Catalog,
) -> None:
    assert catalog.post("/categories", {"name": "Phones"})["slug"] == "phones-2"
    assert catalog.post("/categories", {"name": "Summer Shoes!"})["slug"] == "summer-shoes"
    assert catalog.post("/categories", {"name": "Shoes", "slug": "summer-shoes"}, 409)
    problem = catalog.post("/categories", {"name": "Shoes", "slug": "Not A Slug"}, 422)
    assert "slug" in problem["errors"]


def test_updating_and_deleting_categories(catalog: Catalog) -> None:
    phones, laptops = catalog.ids["Phones"], catalog.ids["Laptops"]
    renamed = catalog.patch(f"/categories/{phones}", {"name": "Mobile Phones"})
    assert renamed == {"id": phones, "name": "Mobile Phones", "slug": "phones"}
    catalog.patch(f"/categories/{phones}", {"slug": "laptops"}, 409)
    catalog.patch("/categories/99999", {"name": "X"}, 404)
    client = catalog.api.client
    in_use = client.delete(f"/api/v1/categories/{laptops}", headers=catalog.admin)
    assert in_use.status_code == 409
    empty = catalog.post("/categories", {"name": "Empty"})["id"]
    assert client.delete(f"/api/v1/categories/{empty}", headers=catalog.admin).status_code == 204
    assert client.delete(f"/api/v1/categories/{empty}", headers=catalog.admin).status_code == 404
    listed = client.get("/api/v1/categories").json
    assert [c["name"] for c in listed] == ["Laptops", "Mobile Phones"]


def test_attribute_names_and_values_are_unique_case_insensitively(catalog: Catalog) -> None:
    catalog.post("/attributes", {"name": "color"}, 409)
    color = catalog.ids["Color"]
    catalog.post(f"/attributes/{color}/values", {"value": "BLUE"}, 409)
    catalog.post("/attributes/99999/values", {"value": "Blue"}, 404)
    created = catalog.post("/attributes", {"name": "Material"})
    assert created == {"id": created["id"], "name": "Material", "values": []}
    value = catalog.post(f"/attributes/{created['id']}/values", {"value": "Leather"})
    assert value == {"id": value["id"], "value": "Leather"}


def test_a_product_in_an_unknown_category_is_422_naming_the_field(catalog: Catalog) -> None:
    problem = catalog.post("/products", {"name": "X", "category_id": 99999}, 422)
    assert "category_id" in problem["errors"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/products", {"name": "X", "category_id": 1, "id": 7}),
        ("/products", {"name": "X", "category_id": 1, "created_at": "2020-01-01T00:00:00Z"}),
        ("/products", {"name": "X", "category_id": 1, "is_active": False}),
        ("/products/{nova}/variants", {"sku": "N-9", "price": "1.00", "stock": 1, "id": 3}),
        ("/products/{nova}/variants", {"sku": "N-9", "price": "1.00", "stock": 1, "product_id": 2}),
        ("/categories", {"name": "X", "id": 5}),
        ("/attributes", {"name": "Size", "values": ["S"]}),
    ],
)
def test_fields_the_contract_does_not_give_are_refused(
    catalog: Catalog, path: str, body: dict[str, Any]
) -> None:
    problem = catalog.post(path.format(nova=catalog.ids["Nova Phone"]), body, 422)
    assert problem["errors"]


def test_patch_refuses_unknown_fields(catalog: Catalog) -> None:
    nova_blue = catalog.ids["NOVA-BLU-128"]
    catalog.patch(f"/variants/{nova_blue}", {"attributes": {"Color": "Red"}}, 422)
    catalog.patch(f"/variants/{nova_blue}", {"product_id": catalog.ids["Zeta Laptop"]}, 422)
    catalog.patch(f"/products/{catalog.ids['Nova Phone']}", {"created_at": "x"}, 422)


def test_a_new_product_has_the_full_shape(catalog: Catalog) -> None:
    body = {
        "name": "Nova Phone",
        "category_id": catalog.ids["Phones"],
        "description": "Second edition",
        "image_url": "https://img.example.com/n.jpg",
    }
    product = catalog.post("/products", body)
    assert product["slug"] == "nova-phone-2"
    assert product["category"] == {"id": catalog.ids["Phones"], "name": "Phones", "slug": "phones"}
    assert product["variants"] == []
    assert product["is_active"] is True
    assert product["rating"] == {"average": None, "count": 0}
    assert product["created_at"].endswith("+00:00")
    catalog.post("/products", {**body, "slug": "nova-phone"}, 409)


def test_variants_name_unknown_attributes_and_values(catalog: Catalog) -> None:
    nova = catalog.ids["Nova Phone"]
    body = {"sku": "NOVA-X", "price": "1.00", "stock": 1}
    problem = catalog.post(
        f"/products/{nova}/variants", {**body, "attributes": {"Colour": "Blue"}}, 422
    )
    assert "Colour" in str(problem["errors"]["attributes"])
    problem = catalog.post(
        f"/products/{nova}/variants", {**body, "attributes": {"Color": "Teal"}}, 422
    )
    assert "Teal" in str(problem["errors"]["attributes"])
    catalog.post("/products/99999/variants", body, 404)


def test_duplicate_skus_and_attribute_combinations_conflict(catalog: Catalog) -> None:
    zeta, nova = catalog.ids["Zeta Laptop"], catalog.ids["Nova Phone"]
    taken_sku = {
        "sku": "nova-blu-128",
        "price": "1.00",
        "stock": 1,
        "attributes": {"Memory": "128GB"},
    }
    catalog.post(f"/products/{zeta}/variants", taken_sku, 409)
    same_combination = {
        "sku": "NOVA-NEW",
        "price": "1.00",
        "stock": 1,
        "attributes": {"memory": "128gb", "color": "blue"},
    }
    catalog.post(f"/products/{nova}/variants", same_combination, 409)
    catalog.patch(f"/variants/{catalog.ids['ZETA-1']}", {"sku": "NOVA-RED-256"}, 409)


@pytest.mark.parametrize(
    "change",
    [
        {"price": "-1.00"},
        {"stock": -1},
        {"price": 12.5},
        {"price": "1.999"},
        {"price": "abc"},
        {"price": "NaN"},
        {"stock": "3"},
        {"sku": "bad sku"},
    ],
)
def test_variant_prices_and_stock_are_validated(catalog: Catalog, change: dict[str, Any]) -> None:
    problem = catalog.patch(f"/variants/{catalog.ids['ZETA-1']}", change, 422)
    assert set(problem["errors"]) == set(change)


def test_a_new_variant_has_money_as_a_string_with_currency(catalog: Catalog) -> None:
    variant = catalog.post(
        f"/products/{catalog.ids['Zeta Laptop']}/variants",
        {"sku": "zeta-2", "price": "1499.5", "stock": 0, "attributes": {"Memory": "128GB"}},
    )
    assert variant == {
        "id": variant["id"],
        "product_id": catalog.ids["Zeta Laptop"],
        "sku": "ZETA-2",
        "price": "1499.50",
        "currency": "USD",
        "stock": 0,
        "in_stock": False,
        "is_active": True,
        "attributes": [{"name": "Memory", "value": "128GB"}],
    }


def test_deleting_a_product_removes_it_and_its_variants(catalog: Catalog) -> None:
    client, zeta = catalog.api.client, catalog.ids["Zeta Laptop"]
    assert client.delete(f"/api/v1/products/{zeta}", headers=catalog.admin).status_code == 204
    assert client.get(f"/api/v1/products/{zeta}", headers=catalog.admin).status_code == 404
    assert (
        client.get(f"/api/v1/variants/{catalog.ids['ZETA-1']}", headers=catalog.admin).status_code
        == 404
    )
    assert client.delete(f"/api/v1/products/{zeta}", headers=catalog.admin).status_code == 404


def test_concurrent_writes_of_one_sku_give_one_variant_and_a_409(
    make_app: AppFactory,
) -> None:
    app = make_app("postgres")
    catalog = build_sample(Api(client=app.test_client(), app=app))
    products = [catalog.ids["Alpha Phone"], catalog.ids["Zeta Laptop"]] * 3
    barrier = threading.Barrier(len(products))

    def add(index: int, product_id: int) -> int:
        body = {"sku": "RACE-1", "price": "1.00", "stock": 1, "attributes": {"Memory": "128GB"}}
        client = app.test_client()
        barrier.wait()
        url = f"/api/v1/products/{product_id}/variants"
        return client.post(url, json=body, headers=catalog.admin).status_code

    with ThreadPoolExecutor(max_workers=len(products)) as pool:
        statuses = sorted(pool.map(add, range(len(products)), products))
    assert statuses == [201] + [409] * (len(products) - 1)


def test_numbers_beyond_the_database_columns_are_refused_not_overflowed(api: Api) -> None:
    admin = api.admin_headers()
    for path in ("/api/v1/products/18446744073709551617", "/api/v1/variants/2147483648"):
        assert api.client.get(path).status_code == 404
        assert api.client.patch(path, json={}, headers=admin).status_code == 404
    product = api.client.post(
        "/api/v1/products", json={"name": "Big", "category_id": 2**63}, headers=admin
    )
    assert product.status_code == 422
    assert "category_id" in product.json["errors"]
