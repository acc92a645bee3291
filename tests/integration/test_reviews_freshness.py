"""A review, or its deletion, changes the product's rating in the next read from every process,
even though catalog reads are cached (API.md "Freshness"); reviews cost a fixed number of
statements per page."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.integration.apps import Api, AppFactory
from tests.integration.reviews_data import customer, review, reviewable_product
from tests.integration.statement_count import statements
from tests.support.servers import RedisServer

# The product check, the count, the page with its authors, and the verified purchases.
REVIEW_PAGE_STATEMENTS = 4


def _api(app: Flask) -> Api:
    return Api(client=app.test_client(), app=app)


def test_a_review_through_one_process_shows_in_the_next_read_through_another(
    make_app: AppFactory,
) -> None:
    writer, reader = _api(make_app("postgres")), _api(make_app("postgres"))
    product_id, _ = reviewable_product(writer)
    urls = [f"/api/v1/products/{product_id}", "/api/v1/products", "/api/v1/products?sort=rating"]
    for url in urls:  # warm the shared cache through the reader
        assert reader.client.get(url).status_code == 200
    with statements(reader.adapters.engine) as sent:
        for url in urls:
            reader.client.get(url)
    assert sent == [], "the reader serves these from the shared cache"

    created = review(writer, product_id, customer(writer), rating=3)
    assert created.status_code == 201

    assert reader.client.get(urls[0]).json["rating"] == {"average": 3.0, "count": 1}
    assert reader.client.get(urls[1]).json[0]["rating"] == {"average": 3.0, "count": 1}
    assert reader.client.get("/api/v1/products?min_rating=3").json[0]["id"] == product_id

    admin = writer.admin_headers()
    deleted = writer.client.delete(f"/api/v1/reviews/{created.json['id']}", headers=admin)
    assert deleted.status_code == 204
    assert reader.client.get(urls[0]).json["rating"] == {"average": None, "count": 0}
    assert reader.client.get(urls[2]).json[0]["rating"] == {"average": None, "count": 0}


def test_a_review_shows_at_once_on_the_embedded_default(api: Api) -> None:
    product_id, _ = reviewable_product(api)
    assert api.client.get(f"/api/v1/products/{product_id}").json["rating"]["count"] == 0
    assert review(api, product_id, customer(api), rating=5).status_code == 201
    assert api.client.get(f"/api/v1/products/{product_id}").json["rating"]["count"] == 1


@pytest.mark.parametrize("query", ["", "verified=true"])
def test_a_page_of_reviews_costs_the_same_few_statements_at_any_size(
    make_app: AppFactory, backend: str, query: str
) -> None:
    api = _api(make_app(backend, cache_enabled=False))
    product_id, _ = reviewable_product(api)
    for rating in (5, 4, 3):
        assert review(api, product_id, customer(api), rating=rating).status_code == 201
    url = f"/api/v1/products/{product_id}/reviews?{query}"
    expected = REVIEW_PAGE_STATEMENTS - (1 if query else 0)  # verified rows need no lookup
    found = api.client.get(url).json
    if query:
        assert found == []
        expected -= 1  # the count says there is no page to read
    for size in (1, 2, 100):
        with statements(api.adapters.engine) as sent:
            assert api.client.get(f"{url}&page_size={size}").status_code == 200
        assert len(sent) == expected, sent


def test_a_review_while_redis_is_down_is_a_503_and_writes_nothing(
    make_app: AppFactory, redis_outage: RedisServer
) -> None:
    api = _api(make_app("postgres"))
    product_id, _ = reviewable_product(api)
    headers = customer(api)
    redis_outage.kill()
    refused = review(api, product_id, headers, rating=2)
    assert refused.status_code == 503
    assert refused.headers["Retry-After"]
    redis_outage.start()
    assert api.client.get(f"/api/v1/products/{product_id}/reviews").json == []
    assert review(api, product_id, headers, rating=2).status_code == 201
    assert api.client.get(f"/api/v1/products/{product_id}").json["rating"]["count"] == 1
