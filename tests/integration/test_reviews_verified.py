"""A verified purchase, from real orders placed through checkout (API.md "Reviews"): an order
in status paid, shipped or delivered holding a variant of the product; read at read time, so
an existing review becomes verified once such an order exists."""

from __future__ import annotations

from typing import Any

from tests.integration.apps import Api
from tests.integration.reviews_data import customer, review, reviewable_product
from tests.integration.statement_count import statements

CHECKOUT = {
    "full_name": "Ada Lovelace",
    "phone": "+44 20 7946 0000",
    "address": {
        "line1": "1 Analytical Row",
        "city": "London",
        "postal_code": "N1 9GU",
        "country": "GB",
    },
}


def place_order(api: Api, headers: dict[str, str], variant_id: int) -> dict[str, Any]:
    added = api.client.post(
        "/api/v1/cart/items", json={"variant_id": variant_id, "quantity": 1}, headers=headers
    )
    assert added.status_code == 200, added.json
    order = api.client.post("/api/v1/checkout", json=CHECKOUT, headers=headers)
    assert order.status_code == 201, order.json
    assert order.json["status"] == "pending"
    return dict(order.json)


def move(api: Api, order_id: int, status: str) -> None:
    response = api.client.patch(
        f"/api/v1/orders/{order_id}", json={"status": status}, headers=api.admin_headers()
    )
    assert response.status_code == 200, response.json


def flags(api: Api, product_id: int, query: str = "") -> list[tuple[int, bool]]:
    response = api.client.get(f"/api/v1/products/{product_id}/reviews?{query}")
    assert response.status_code == 200, response.json
    return [(item["rating"], item["verified_purchase"]) for item in response.json]


def test_a_review_becomes_verified_once_its_authors_order_is_paid(api: Api) -> None:
    product_id, variant_id = reviewable_product(api, stock=10)
    buyer, browser = customer(api), customer(api)
    order = place_order(api, buyer, variant_id)
    assert review(api, product_id, buyer, rating=5).status_code == 201
    assert review(api, product_id, browser, rating=2).status_code == 201
    assert flags(api, product_id) == [(2, False), (5, False)], "a pending order verifies nothing"
    assert flags(api, product_id, "verified=true") == []

    move(api, order["id"], "paid")

    assert flags(api, product_id) == [(2, False), (5, True)]
    assert flags(api, product_id, "verified=true") == [(5, True)]
    move(api, order["id"], "shipped")
    move(api, order["id"], "delivered")
    assert flags(api, product_id, "verified=true") == [(5, True)]


def test_a_new_review_by_a_buyer_is_verified_at_once(api: Api) -> None:
    product_id, variant_id = reviewable_product(api, stock=10)
    buyer = customer(api)
    move(api, place_order(api, buyer, variant_id)["id"], "paid")
    created = review(api, product_id, buyer, rating=4)
    assert created.status_code == 201
    assert created.json["verified_purchase"] is True


def test_a_cancelled_order_or_another_products_order_verifies_nothing(api: Api) -> None:
    product_id, _ = reviewable_product(api, stock=10)
    _, other_variant = reviewable_product(api, stock=10)
    buyer = customer(api)
    move(api, place_order(api, buyer, other_variant)["id"], "paid")
    assert review(api, product_id, buyer, rating=3).status_code == 201
    assert flags(api, product_id) == [(3, False)]

    second_product, second_variant = reviewable_product(api, stock=10)
    move(api, place_order(api, buyer, second_variant)["id"], "cancelled")
    assert review(api, second_product, buyer, rating=1).status_code == 201
    assert flags(api, second_product) == [(1, False)]


def test_verified_purchases_cost_one_lookup_per_page(api: Api) -> None:
    product_id, variant_id = reviewable_product(api, stock=50)
    for n in range(6):
        headers = customer(api)
        if n % 2 == 0:
            move(api, place_order(api, headers, variant_id)["id"], "paid")
        assert review(api, product_id, headers, rating=1 + n % 5).status_code == 201
    costs = set()
    for size in (1, 3, 100):
        with statements(api.adapters.engine) as sent:
            page = api.client.get(f"/api/v1/products/{product_id}/reviews?page_size={size}")
        assert page.status_code == 200
        costs.add(len(sent))
    assert costs == {4}
    assert [verified for _, verified in flags(api, product_id)] == [False, True] * 3
