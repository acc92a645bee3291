"""Checkout under real concurrency: two gunicorn servers (2 processes each) on one PostgreSQL
and Redis. Never oversold, never deadlocked into a 500, one order per Idempotency-Key, and a
cancel racing a status change leaves order and stock consistent."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from tests.integration.apps import PASSWORD, fresh_server_env
from tests.integration.checkout_support import BODY
from tests.integration.gunicorn import run_gunicorn

ADMIN = "checkout-admin@example.com"
CUSTOMER = "checkout-customer@example.com"
_skus = itertools.count(1)


@dataclass
class Shop:
    servers: tuple[str, str]
    admin: dict[str, str]

    def url(self, n: int, path: str) -> str:
        return f"{self.servers[n % 2]}/api/v1{path}"

    def call(self, method: str, path: str, n: int = 0, **kwargs: Any) -> requests.Response:
        # No shared session: these calls run from many threads at once.
        return requests.request(method, self.url(n, path), timeout=30, **kwargs)

    def new_variant(self, stock: int) -> int:
        n = next(_skus)
        category = self.call("POST", "/categories", json={"name": f"C{n}"}, headers=self.admin)
        product = self.call(
            "POST",
            "/products",
            json={"name": f"P{n}", "category_id": category.json()["id"]},
            headers=self.admin,
        ).json()
        variant = self.call(
            "POST",
            f"/products/{product['id']}/variants",
            json={"sku": f"RACE-{n}", "price": "5.00", "stock": stock, "attributes": {}},
            headers=self.admin,
        )
        assert variant.status_code == 201, variant.text
        return int(variant.json()["id"])

    def stock(self, variant_id: int) -> int:
        return int(self.call("GET", f"/variants/{variant_id}", headers=self.admin).json()["stock"])

    def set_stock(self, variant_id: int, stock: int) -> None:
        response = self.call(
            "PATCH", f"/variants/{variant_id}", json={"stock": stock}, headers=self.admin
        )
        assert response.status_code == 200, response.text

    def guest_cart(self, lines: list[tuple[int, int]]) -> str:
        token: str | None = None
        for variant_id, quantity in lines:
            headers = {"X-Cart-Token": token} if token else {}
            response = self.call(
                "POST",
                "/cart/items",
                json={"variant_id": variant_id, "quantity": quantity},
                headers=headers,
            )
            assert response.status_code == 200, response.text
            token = response.headers["X-Cart-Token"]
        assert token is not None
        return token

    def checkout(self, n: int, headers: dict[str, str]) -> requests.Response:
        return requests.post(self.url(n, "/checkout"), json=BODY, headers=headers, timeout=60)

    def order_count(self) -> int:
        response = self.call("GET", "/orders?page_size=1", headers=self.admin)
        return int(json.loads(response.headers["X-Pagination"]).get("total", 0))


def at_once(calls: list[Callable[[], requests.Response]]) -> list[requests.Response]:
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(lambda call: call(), calls))


@pytest.fixture(scope="module")
def shop(migrated_postgres_url: str, redis_url: str) -> Iterator[Shop]:
    env = fresh_server_env(
        migrated_postgres_url, redis_url, SHOP_ADMIN_EMAIL=ADMIN, SHOP_ADMIN_PASSWORD=PASSWORD
    )
    with (
        run_gunicorn(env, workers=2, threads=8) as one,
        run_gunicorn(env, workers=2, threads=8) as two,
    ):
        login = requests.post(
            f"{one}/api/v1/auth/login", json={"email": ADMIN, "password": PASSWORD}, timeout=10
        )
        admin = {"Authorization": f"Bearer {login.json()['access_token']}"}
        yield Shop((one, two), admin)


@pytest.mark.slow
@pytest.mark.parametrize("run", range(10))
def test_forty_checkouts_for_ten_units_make_ten_orders(shop: Shop, run: int) -> None:
    variant = shop.new_variant(stock=10)
    carts = [shop.guest_cart([(variant, 1)]) for _ in range(40)]
    before = shop.order_count()
    responses = at_once(
        [lambda n=n, t=t: shop.checkout(n, {"X-Cart-Token": t}) for n, t in enumerate(carts)]
    )
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 10, 409: 30}, statuses
    assert shop.stock(variant) == 0
    assert shop.order_count() == before + 10
    short = next(r for r in responses if r.status_code == 409).json()
    assert short["errors"]["lines"] == [{"variant_id": variant, "requested": 1, "available": 0}]


@pytest.mark.slow
def test_carts_holding_the_same_variants_in_opposite_orders_never_deadlock(shop: Shop) -> None:
    x, y, z = (shop.new_variant(stock=1000) for _ in range(3))
    orders = [[(x, 1), (y, 2), (z, 1)], [(z, 1), (y, 2), (x, 1)]]
    carts = [shop.guest_cart(orders[n % 2]) for n in range(30)]
    responses = at_once(
        [lambda n=n, t=t: shop.checkout(n, {"X-Cart-Token": t}) for n, t in enumerate(carts)]
    )
    assert Counter(r.status_code for r in responses) == {201: 30}
    assert (shop.stock(x), shop.stock(y), shop.stock(z)) == (970, 940, 970)


def test_ten_submissions_with_one_key_make_one_order(shop: Shop) -> None:
    variant = shop.new_variant(stock=50)
    token = shop.guest_cart([(variant, 2)])
    before = shop.order_count()
    headers = {"X-Cart-Token": token, "Idempotency-Key": "double-click"}
    responses = at_once([lambda n=n: shop.checkout(n, headers) for n in range(10)])
    statuses = Counter(r.status_code for r in responses)
    assert set(statuses) <= {201, 409}, statuses
    assert statuses[201] >= 1
    assert len({r.json()["id"] for r in responses if r.status_code == 201}) == 1
    assert shop.order_count() == before + 1
    assert shop.stock(variant) == 48
    replay = shop.checkout(0, headers)
    assert replay.status_code == 201
    assert replay.headers["Idempotent-Replayed"] == "true"


def race_cancels_and_payment(
    shop: Shop, path: str, owner: dict[str, str]
) -> list[requests.Response]:
    """The owner cancels, an admin cancels and an admin marks it paid, all at once."""
    return at_once(
        [
            lambda: shop.call("POST", f"{path}/cancel", 0, headers=owner),
            lambda: shop.call("POST", f"{path}/cancel", 1, headers=shop.admin),
            lambda: shop.call("PATCH", path, 1, json={"status": "paid"}, headers=shop.admin),
        ]
    )


def test_a_cancel_racing_a_status_change_leaves_order_and_stock_consistent(shop: Shop) -> None:
    shop.call("POST", "/auth/register", json={"email": CUSTOMER, "password": PASSWORD})
    login = shop.call("POST", "/auth/login", json={"email": CUSTOMER, "password": PASSWORD})
    me = {"Authorization": f"Bearer {login.json()['access_token']}"}
    variant = shop.new_variant(stock=100)
    for _ in range(10):
        shop.call("POST", "/cart/items", json={"variant_id": variant, "quantity": 3}, headers=me)
        order = shop.checkout(0, me).json()
        path = f"/orders/{order['id']}"
        stock_before = shop.stock(variant)
        responses = race_cancels_and_payment(shop, path, me)
        assert all(r.status_code in (200, 409) for r in responses), [r.text for r in responses]
        final = shop.call("GET", path, headers=shop.admin).json()["status"]
        assert final in {"cancelled", "paid"}
        expected = stock_before + 3 if final == "cancelled" else stock_before
        assert shop.stock(variant) == expected
        cancels = sum(r.status_code == 200 for r in responses[:2])
        assert cancels == (1 if final == "cancelled" else 0)
