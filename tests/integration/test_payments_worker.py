"""End to end on PostgreSQL + Redis with gunicorn and a real `shop worker`, the test provider:
cart -> checkout -> declined -> pay again -> paid; a cancel refunded by the worker; an unpaid
order released by the worker's scheduled maintenance."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import requests

from tests.integration.apps import PASSWORD, Api, AppFactory
from tests.integration.checkout_support import BODY
from tests.integration.factories import make_variant
from tests.integration.gunicorn import run_gunicorn
from tests.integration.payment_support import DECLINED, SUCCEEDS
from tests.integration.test_payment_expiry import overdue
from tests.integration.worker_process import run_worker

ADMIN = "payments-admin@example.com"


def eventually(check: Callable[[], bool], seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.25)
    raise AssertionError("the worker did not get there in time")


def checkout(base: str, variant_id: int) -> dict[str, Any]:
    cart = requests.post(
        f"{base}/api/v1/cart/items", json={"variant_id": variant_id, "quantity": 1}, timeout=10
    )
    assert cart.status_code == 200, cart.text
    token = cart.headers["X-Cart-Token"]
    placed = requests.post(
        f"{base}/api/v1/checkout", json=BODY, headers={"X-Cart-Token": token}, timeout=10
    )
    assert placed.status_code == 201, placed.text
    return dict(placed.json())


def pay(base: str, order: dict[str, Any], card: str) -> requests.Response:
    return requests.post(
        f"{base}/api/v1/orders/{order['id']}/payments",
        json={"test_card": card},
        headers={"X-Order-Token": order["order_token"]},
        timeout=10,
    )


def read(base: str, order: dict[str, Any]) -> dict[str, Any]:
    response = requests.get(
        f"{base}/api/v1/orders/{order['id']}",
        headers={"X-Order-Token": order["order_token"]},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_pay_cancel_refund_and_release_with_a_real_worker(make_app: AppFactory) -> None:
    api = Api.of(make_app("postgres"))
    variant = make_variant(api.adapters, price="9.99", stock=10)
    s = api.adapters.settings
    env = {
        "DATABASE_URL": s.database_url,
        "REDIS_URL": s.redis_url or "",
        "SHOP_ADMIN_EMAIL": ADMIN,
        "SHOP_ADMIN_PASSWORD": PASSWORD,
    }
    with run_gunicorn(env, workers=1, threads=4) as base, run_worker(env):
        order = checkout(base, variant)
        assert order["payment_status"] == "unpaid"
        declined = pay(base, order, DECLINED)
        assert declined.status_code == 201
        assert declined.json()["status"] == "failed"
        assert read(base, order)["status"] == "pending"
        paid = pay(base, order, SUCCEEDS)
        assert paid.status_code == 201
        assert read(base, order)["status"] == "paid"

        login = requests.post(
            f"{base}/api/v1/auth/login", json={"email": ADMIN, "password": PASSWORD}, timeout=10
        )
        admin = {"Authorization": f"Bearer {login.json()['access_token']}"}
        cancel = requests.post(
            f"{base}/api/v1/orders/{order['id']}/cancel", headers=admin, timeout=10
        )
        assert cancel.status_code == 200
        eventually(lambda: read(base, order)["payment_status"] == "refunded")
        assert read(base, order)["refunded_amount"] == "9.99"

        unpaid = checkout(base, variant)
        overdue(api, unpaid["id"])
        eventually(lambda: read(base, unpaid)["status"] == "cancelled")
        stock = requests.get(f"{base}/api/v1/variants/{variant}", headers=admin, timeout=10)
        assert stock.json()["stock"] == 10
