"""API.md "Reviews", through the HTTP API on the embedded default and PostgreSQL + Redis."""

from __future__ import annotations

import json

import pytest

from tests.integration.apps import Api
from tests.integration.factories import set_product_active
from tests.integration.reviews_data import customer, rating_of, review, reviewable_product


def test_a_customer_reviews_a_product_once_and_its_rating_shows_at_once(api: Api) -> None:
    product_id, _ = reviewable_product(api)
    listed_before = api.client.get("/api/v1/products").json  # cached from here on
    assert listed_before[0]["rating"] == {"average": None, "count": 0}
    headers = customer(api, full_name="Ada Lovelace")

    created = review(api, product_id, headers, rating=4, comment="Solid.")

    assert created.status_code == 201, created.json
    body = created.json
    assert set(body) == {
        "id",
        "rating",
        "comment",
        "author_name",
        "verified_purchase",
        "created_at",
    }
    assert (body["rating"], body["comment"], body["author_name"]) == (4, "Solid.", "Ada Lovelace")
    assert body["verified_purchase"] is False
    assert body["created_at"].endswith("+00:00")
    assert rating_of(api, product_id) == {"average": 4.0, "count": 1}
    assert api.client.get("/api/v1/products").json[0]["rating"] == {"average": 4.0, "count": 1}

    again = review(api, product_id, headers, rating=1)
    assert again.status_code == 409
    assert again.content_type == "application/problem+json"
    assert rating_of(api, product_id) == {"average": 4.0, "count": 1}


def test_the_average_is_rounded_to_one_decimal(api: Api) -> None:
    product_id, _ = reviewable_product(api)
    for rating in (5, 4, 4):
        assert review(api, product_id, customer(api), rating=rating).status_code == 201
    assert rating_of(api, product_id) == {"average": 4.3, "count": 3}
    assert review(api, product_id, customer(api), rating=4).status_code == 201
    assert rating_of(api, product_id) == {"average": 4.3, "count": 4}  # 17 / 4 = 4.25 -> 4.3


@pytest.mark.parametrize(
    "body",
    [
        {"rating": 0, "comment": "x"},
        {"rating": 6, "comment": "x"},
        {"rating": "5", "comment": "x"},
        {"rating": 4.5, "comment": "x"},
        {"rating": 2**70, "comment": "x"},
        {"rating": 5, "comment": ""},
        {"rating": 5, "comment": "   "},
        {"rating": 5, "comment": "x" * 2001},
        {"rating": 5, "comment": "bell\x07"},
        {"rating": 5},
        {"comment": "no rating"},
        {"rating": 5, "comment": "x", "verified_purchase": True},
    ],
)
def test_a_review_outside_the_rules_is_422(api: Api, body: dict[str, object]) -> None:
    product_id, _ = reviewable_product(api)
    response = api.client.post(
        f"/api/v1/products/{product_id}/reviews", json=body, headers=customer(api)
    )
    assert response.status_code == 422, response.json
    assert response.content_type == "application/problem+json"
    assert response.json["errors"]
    assert rating_of(api, product_id)["count"] == 0


def test_a_comment_is_plain_text_returned_as_written(api: Api) -> None:
    product_id, _ = reviewable_product(api)
    comment = '<script>alert("x")</script> & <b>bold</b>\nline two ' + "é" * 1900
    created = review(api, product_id, customer(api), comment=comment)
    assert created.status_code == 201, created.json
    assert created.json["comment"] == comment
    assert api.client.get(f"/api/v1/products/{product_id}/reviews").json[0]["comment"] == comment


def test_reviews_of_an_unknown_or_inactive_product_are_404(api: Api) -> None:
    product_id, variant_id = reviewable_product(api)
    headers = customer(api)
    assert review(api, 999_999, headers).status_code == 404
    assert api.client.get("/api/v1/products/999999/reviews").status_code == 404
    set_product_active(api.adapters, variant_id, False)
    assert review(api, product_id, headers).status_code == 404
    assert api.client.get(f"/api/v1/products/{product_id}/reviews").status_code == 404
    admin = api.client.get(f"/api/v1/products/{product_id}/reviews", headers=api.admin_headers())
    assert admin.status_code == 200


def test_writing_and_deleting_need_a_valid_access_token(api: Api) -> None:
    product_id, _ = reviewable_product(api)
    url = f"/api/v1/products/{product_id}/reviews"
    assert api.client.post(url, json={"rating": 5, "comment": "x"}).status_code == 401
    forged = {"Authorization": "Bearer not.a.token"}
    assert (
        api.client.post(url, json={"rating": 5, "comment": "x"}, headers=forged).status_code == 401
    )
    assert api.client.delete("/api/v1/reviews/1").status_code == 401


def test_the_author_is_named_by_full_name_or_a_masked_email_never_the_email(api: Api) -> None:
    product_id, _ = reviewable_product(api)
    assert (
        review(api, product_id, customer(api, email="alice.smith@example.com")).status_code == 201
    )
    assert review(api, product_id, customer(api, full_name="Bob B.")).status_code == 201
    response = api.client.get(f"/api/v1/products/{product_id}/reviews")
    names = [item["author_name"] for item in response.json]
    assert names == ["Bob B.", "a***@example.com"]
    assert "alice.smith" not in response.get_data(as_text=True)


def test_reviews_are_listed_publicly_newest_first_a_page_at_a_time(api: Api) -> None:
    product_id, _ = reviewable_product(api)
    ids = [review(api, product_id, customer(api), rating=1 + n % 5).json["id"] for n in range(5)]
    first = api.client.get(f"/api/v1/products/{product_id}/reviews?page_size=2")
    assert first.status_code == 200
    assert [item["id"] for item in first.json] == ids[::-1][:2]
    pagination = json.loads(first.headers["X-Pagination"])
    assert (pagination["total"], pagination["total_pages"], pagination["next_page"]) == (5, 3, 2)
    third = api.client.get(f"/api/v1/products/{product_id}/reviews?page_size=2&page=3")
    assert [item["id"] for item in third.json] == [ids[0]]
    assert api.client.get(f"/api/v1/products/{product_id}/reviews?page=9").json == []
    assert api.client.get(f"/api/v1/products/{product_id}/reviews?page_size=101").status_code == 422


def test_without_an_order_no_review_is_a_verified_purchase(api: Api) -> None:
    product_id, _ = reviewable_product(api)
    assert review(api, product_id, customer(api)).status_code == 201
    listed = api.client.get(f"/api/v1/products/{product_id}/reviews").json
    assert [item["verified_purchase"] for item in listed] == [False]
    assert api.client.get(f"/api/v1/products/{product_id}/reviews?verified=true").json == []


def test_authors_and_admins_delete_reviews_and_nobody_else(api: Api) -> None:
    product_id, variant_id = reviewable_product(api)
    author, other = customer(api), customer(api)
    first = review(api, product_id, author, rating=5).json["id"]
    second = review(api, product_id, other, rating=1).json["id"]
    assert rating_of(api, product_id) == {"average": 3.0, "count": 2}

    refused = api.client.delete(f"/api/v1/reviews/{first}", headers=other)
    assert refused.status_code == 403
    assert refused.content_type == "application/problem+json"
    assert api.client.delete("/api/v1/reviews/999999", headers=other).status_code == 404

    assert api.client.delete(f"/api/v1/reviews/{first}", headers=author).status_code == 204
    assert rating_of(api, product_id) == {"average": 1.0, "count": 1}
    assert api.client.delete(f"/api/v1/reviews/{first}", headers=author).status_code == 404
    assert review(api, product_id, author, rating=4).status_code == 201  # may review again

    set_product_active(api.adapters, variant_id, False)
    assert api.client.delete(f"/api/v1/reviews/{second}", headers=other).status_code == 404
    admin = api.admin_headers()
    assert api.client.delete(f"/api/v1/reviews/{second}", headers=admin).status_code == 204
    assert api.client.get(f"/api/v1/products/{product_id}", headers=admin).json["rating"] == {
        "average": 4.0,
        "count": 1,
    }


def test_products_sort_by_rating_with_unrated_ones_last_and_filter_by_min_rating(
    api: Api,
) -> None:
    low, _ = reviewable_product(api)
    high, _ = reviewable_product(api)
    unrated, _ = reviewable_product(api)
    middle, _ = reviewable_product(api)
    for product_id, ratings in ((low, (1, 2)), (high, (5, 5)), (middle, (4, 3))):
        for rating in ratings:
            assert review(api, product_id, customer(api), rating=rating).status_code == 201

    def listed(query: str) -> list[int]:
        response = api.client.get(f"/api/v1/products?{query}")
        assert response.status_code == 200, response.json
        return [item["id"] for item in response.json]

    assert listed("sort=rating") == [low, middle, high, unrated]
    assert listed("sort=-rating") == [high, middle, low, unrated]
    assert listed("sort=-rating&min_rating=3.5") == [high, middle]
    assert listed("min_rating=5") == [high]
    assert listed("min_rating=1&sort=rating") == [low, middle, high]
    for bad in ("0", "5.5", "nan", "many", "1e309"):
        assert api.client.get(f"/api/v1/products?min_rating={bad}").status_code == 422


def test_deleting_a_reviewed_product_deletes_its_reviews(api: Api) -> None:
    product_id, _ = reviewable_product(api)
    review_id = review(api, product_id, customer(api)).json["id"]
    admin = api.admin_headers()
    assert api.client.delete(f"/api/v1/products/{product_id}", headers=admin).status_code == 204
    assert api.client.get(f"/api/v1/products/{product_id}/reviews").status_code == 404
    assert api.client.delete(f"/api/v1/reviews/{review_id}", headers=admin).status_code == 404
