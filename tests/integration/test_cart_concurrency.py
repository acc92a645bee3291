"""No lost update, through two real gunicorn processes sharing PostgreSQL and Redis."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from shop.bootstrap import Adapters
from tests.integration.apps import Api, AppFactory
from tests.integration.factories import make_variant
from tests.integration.gunicorn import env_like, run_gunicorn

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

ADDS = 1000
LINES = 20
CLIENT_THREADS = 16


@dataclass
class Served:
    api: Api  # an in-process app on the same database and Redis, for setup
    base_url: str

    @property
    def adapters(self) -> Adapters:
        return self.api.adapters


@pytest.fixture
def served(make_app: AppFactory) -> Iterator[Served]:
    app = make_app("postgres")
    env = env_like(app.extensions["shop"].settings)
    with run_gunicorn(env, workers=2, threads=4) as base_url:
        yield Served(Api(client=app.test_client(), app=app), base_url)


_local = threading.local()


def session() -> requests.Session:
    """One keep-alive connection per client thread."""
    if not hasattr(_local, "session"):
        _local.session = requests.Session()
    return _local.session  # type: ignore[no-any-return]


def test_a_thousand_concurrent_adds_over_twenty_lines_are_all_counted(served: Served) -> None:
    variants = [make_variant(served.adapters, stock=1000) for _ in range(LINES)]
    first = requests.post(
        f"{served.base_url}/api/v1/cart/items",
        json={"variant_id": variants[0], "quantity": 1},
        timeout=10,
    )
    assert first.status_code == 200, first.text
    token = first.headers["X-Cart-Token"]

    def add_one(n: int) -> int:
        response = session().post(
            f"{served.base_url}/api/v1/cart/items",
            json={"variant_id": variants[n % LINES], "quantity": 1},
            headers={"X-Cart-Token": token},
            timeout=30,
        )
        assert response.headers.get("X-Cart-Token") == token
        return response.status_code

    with ThreadPoolExecutor(max_workers=CLIENT_THREADS) as pool:
        statuses = Counter(pool.map(add_one, range(1, ADDS + 1)))
    assert statuses == {200: ADDS}

    cart = requests.get(
        f"{served.base_url}/api/v1/cart", headers={"X-Cart-Token": token}, timeout=10
    ).json()
    expected = {v: ADDS // LINES for v in variants}
    expected[variants[0]] += 1  # the add that created the cart
    assert {i["variant_id"]: i["quantity"] for i in cart["items"]} == expected
    assert cart["count"] == ADDS + 1


def test_concurrent_adds_never_push_a_line_past_the_stock(served: Served) -> None:
    variant = make_variant(served.adapters, stock=10)
    user = served.api.customer_headers()

    def add_one(_: int) -> int:
        return (
            session()
            .post(
                f"{served.base_url}/api/v1/cart/items",
                json={"variant_id": variant, "quantity": 1},
                headers=user,
                timeout=30,
            )
            .status_code
        )

    with ThreadPoolExecutor(max_workers=CLIENT_THREADS) as pool:
        statuses = Counter(pool.map(add_one, range(40)))
    assert statuses == {200: 10, 409: 30}
    cart = served.api.client.get("/api/v1/cart", headers=user).json
    assert [(i["variant_id"], i["quantity"]) for i in cart["items"]] == [(variant, 10)]


def test_two_concurrent_merges_of_one_guest_cart_do_not_double_it(served: Served) -> None:
    variants = [make_variant(served.adapters, stock=500) for _ in range(3)]
    for round_ in range(10):
        user = served.api.customer_headers()
        token = None
        for n, variant in enumerate(variants, start=1):
            headers = {"X-Cart-Token": token} if token else {}
            response = served.api.client.post(
                "/api/v1/cart/items", json={"variant_id": variant, "quantity": n}, headers=headers
            )
            token = response.headers["X-Cart-Token"]
        start = threading.Barrier(2)

        def merge(
            _: int,
            start: threading.Barrier = start,
            token: str = str(token),
            user: dict[str, str] = user,
        ) -> dict[str, Any]:
            start.wait()
            response = session().post(
                f"{served.base_url}/api/v1/cart/merge",
                headers={**user, "X-Cart-Token": token},
                timeout=30,
            )
            assert response.status_code == 200, response.text
            return dict(response.json())

        with ThreadPoolExecutor(max_workers=2) as pool:
            bodies = list(pool.map(merge, range(2)))
        cart = served.api.client.get("/api/v1/cart", headers=user).json
        merged = {v: n for n, v in enumerate(variants, start=1)}
        assert {i["variant_id"]: i["quantity"] for i in cart["items"]} == merged, round_
        assert all(body["adjustments"] == [] for body in bodies)
