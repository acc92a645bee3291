"""Reviews under concurrency, through two real gunicorn processes sharing PostgreSQL and Redis:
every review and delete counts in the rating, and one user gets one review however they race."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from sqlalchemy import func, select

from shop.adapters.sql import tables
from tests.integration.apps import Api, AppFactory
from tests.integration.gunicorn import env_like, run_gunicorn
from tests.integration.reviews_data import customer, rating_of, review, reviewable_product

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

THREADS = 16


@pytest.fixture
def served(make_app: AppFactory) -> Iterator[tuple[Api, str]]:
    app = make_app("postgres")
    env = env_like(app.extensions["shop"].settings)
    with run_gunicorn(env, workers=2, threads=4) as base_url:
        yield Api(client=app.test_client(), app=app), base_url


def _all_at_once(calls: list[Callable[[], int]]) -> Counter[int]:
    """Run the calls in threads released together; the statuses they got."""
    start = threading.Barrier(len(calls))

    def run(call: Callable[[], int]) -> int:
        start.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return Counter(pool.map(run, calls))


def _post(
    base_url: str, product_id: int, headers: dict[str, str], rating: int
) -> Callable[[], int]:
    def call() -> int:
        response = requests.post(
            f"{base_url}/api/v1/products/{product_id}/reviews",
            json={"rating": rating, "comment": f"Rated {rating}."},
            headers=headers,
            timeout=30,
        )
        return response.status_code

    return call


def _delete(base_url: str, review_id: int, headers: dict[str, str]) -> Callable[[], int]:
    def call() -> int:
        response = requests.delete(
            f"{base_url}/api/v1/reviews/{review_id}", headers=headers, timeout=30
        )
        return response.status_code

    return call


def _stored(api: Api, product_id: int) -> dict[str, Any]:
    """The rating worked out from the review rows themselves."""
    r = tables.reviews
    query = select(func.coalesce(func.sum(r.c.rating), 0), func.count()).where(
        r.c.product_id == product_id
    )
    with api.adapters.engine.connect() as connection:
        total, count = connection.execute(query).one()
    average = None if count == 0 else round(total / count + 1e-9, 1)
    return {"average": average, "count": count}


def test_concurrent_reviews_of_one_product_by_different_users_all_count(
    served: tuple[Api, str],
) -> None:
    api, base_url = served
    product_id, _ = reviewable_product(api)
    ratings = [1 + n % 5 for n in range(THREADS)]
    calls = [_post(base_url, product_id, customer(api), rating) for rating in ratings]

    assert _all_at_once(calls) == {201: THREADS}

    expected = {"average": round(sum(ratings) / THREADS, 1), "count": THREADS}
    assert rating_of(api, product_id) == expected == _stored(api, product_id)
    listed = requests.get(f"{base_url}/api/v1/products?page_size=100", timeout=10).json()
    assert next(p for p in listed if p["id"] == product_id)["rating"] == expected


@pytest.mark.parametrize("attempt", range(3))
def test_one_user_racing_two_first_reviews_gets_exactly_one(
    served: tuple[Api, str], attempt: int
) -> None:
    api, base_url = served
    product_id, _ = reviewable_product(api)
    headers = customer(api)
    calls = [_post(base_url, product_id, headers, 1 + n % 5) for n in range(8)]

    assert _all_at_once(calls) == {201: 1, 409: 7}

    assert rating_of(api, product_id)["count"] == 1
    assert _stored(api, product_id)["count"] == 1
    assert rating_of(api, product_id) == _stored(api, product_id)


def test_deletes_racing_creates_keep_the_rating_exact(served: tuple[Api, str]) -> None:
    api, base_url = served
    product_id, _ = reviewable_product(api)
    authors = [customer(api) for _ in range(THREADS // 2)]
    existing = [review(api, product_id, h, rating=5).json["id"] for h in authors]
    newcomers = [customer(api) for _ in range(THREADS // 2)]
    calls = [_delete(base_url, rid, h) for rid, h in zip(existing, authors, strict=True)]
    calls += [_post(base_url, product_id, h, 1 + n % 3) for n, h in enumerate(newcomers)]
    # Each author also races a second delete of their own review: one of the two is a 404.
    calls += [_delete(base_url, rid, h) for rid, h in zip(existing, authors, strict=True)]

    statuses = _all_at_once(calls)

    assert statuses == {204: THREADS // 2, 201: THREADS // 2, 404: THREADS // 2}
    expected_sum = sum(1 + n % 3 for n in range(THREADS // 2))
    expected = {"average": round(expected_sum / (THREADS // 2), 1), "count": THREADS // 2}
    assert rating_of(api, product_id) == expected == _stored(api, product_id)
    row = select(tables.products.c.rating_sum, tables.products.c.rating_count).where(
        tables.products.c.id == product_id
    )
    with api.adapters.engine.connect() as connection:
        assert tuple(connection.execute(row).one()) == (expected_sum, THREADS // 2)
