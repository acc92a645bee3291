"""The 10,000 window (API.md "pagination"): totals exact up to 10,000 matches, then
`total: 10000` with `total_relation: "gte"`; a page reaching past match 10,000 is 422."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from sqlalchemy import insert

from shop.adapters.sql import tables
from shop.adapters.sql.demo_seed import seed_demo
from tests.integration.apps import AppFactory
from tests.integration.statement_count import statements

WINDOW = 10_000


def _pagination(response: object) -> dict[str, object]:
    return json.loads(response.headers["X-Pagination"])  # type: ignore[attr-defined]


@pytest.fixture
def crowded(make_app: AppFactory, backend: str) -> Flask:
    """WINDOW + 1 categories (the cheapest rows to have that many of) and a few products."""
    app = make_app(backend, cache_enabled=False)
    engine = app.extensions["shop"].engine
    with engine.begin() as connection:
        connection.execute(
            insert(tables.categories),
            [{"name": f"Category {i:05}", "slug": f"category-{i:05}"} for i in range(WINDOW + 1)],
        )
    seed_demo(engine, app.extensions["shop"].catalog.version, 30, 2)
    return app


def test_a_total_beyond_the_window_is_10000_at_least(crowded: Flask) -> None:
    response = crowded.test_client().get("/api/v1/categories?page_size=100&page=100")
    assert response.status_code == 200
    assert len(response.json) == 100
    assert _pagination(response) == {
        "total": WINDOW,
        "total_relation": "gte",
        "total_pages": 100,
        "first_page": 1,
        "last_page": 100,
        "page": 100,
        "previous_page": 99,
    }


def test_a_total_within_the_window_is_exact(crowded: Flask) -> None:
    response = crowded.test_client().get("/api/v1/products?page_size=7")
    metadata = _pagination(response)
    assert (metadata["total"], metadata["total_relation"]) == (30, "eq")
    assert metadata["total_pages"] == 5


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/products?page=101&page_size=100",
        "/api/v1/products?page=10001",
        "/api/v1/products?q=phone&page=501",
        "/api/v1/categories?page=501",
        "/api/v1/attributes?page=101&page_size=100",
    ],
)
def test_a_page_past_the_window_is_422_with_a_hint(crowded: Flask, path: str) -> None:
    response = crowded.test_client().get(path)
    assert response.status_code == 422, response.json
    assert response.content_type == "application/problem+json"
    assert "narrow the filters" in " ".join(response.json["errors"]["page"])


@pytest.mark.parametrize(
    "path", ["/api/v1/products?page=100&page_size=100", "/api/v1/categories?page=500"]
)
def test_the_last_page_of_the_window_is_served(crowded: Flask, path: str) -> None:
    response = crowded.test_client().get(path)
    assert response.status_code == 200, response.json


def test_the_count_stops_at_the_first_match_past_the_window(crowded: Flask) -> None:
    with statements(crowded.extensions["shop"].engine) as sent:
        crowded.test_client().get("/api/v1/categories")
    count = sent[0].upper()
    assert "COUNT(" in count
    assert "LIMIT" in count
