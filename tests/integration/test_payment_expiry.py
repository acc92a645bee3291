"""Unpaid orders release their stock; a payment racing the release never leaves an order
cancelled and charged without a refund (PostgreSQL, threads, a real worker)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import update

from shop.adapters.sql.order_tables import orders
from shop.bootstrap_ordering import maintain_payments
from tests.integration.apps import Api, AppFactory
from tests.integration.checkout_support import stock_of
from tests.integration.payment_support import guest_order, pay, read_order, run_jobs


def overdue(api: Api, *order_ids: int) -> None:
    """Move the orders' pay-by time into the past, as if the window had run out."""
    past = datetime.now(UTC) - timedelta(seconds=1)
    with api.adapters.engine.begin() as connection:
        connection.execute(update(orders).where(orders.c.id.in_(order_ids)).values(pay_by=past))


def release(api: Api) -> None:
    """What the worker's maintenance does every few seconds (the inline thread's, embedded)."""
    if api.adapters.ordering.inline_refunds is not None:
        api.adapters.ordering.maintain()
    else:
        run_jobs(api)  # a real `shop worker --burst` runs its maintenance pass


def test_an_unpaid_order_is_released_and_restocked_a_paid_one_is_not(api: Api) -> None:
    unpaid = guest_order(api, stock=5)
    paid = guest_order(api, stock=5)
    assert pay(api, paid).status_code == 201
    window = datetime.fromisoformat(unpaid["pay_by"]) - datetime.fromisoformat(unpaid["created_at"])
    assert window == timedelta(seconds=3600)
    overdue(api, unpaid["id"], paid["id"])
    release(api)
    admin = api.admin_headers()
    released = read_order(api, unpaid)
    assert released["status"] == "cancelled"
    assert released["pay_by"] is None
    assert stock_of(api.client, unpaid["variant_id"], admin) == 5
    assert read_order(api, paid)["status"] == "paid"
    assert stock_of(api.client, paid["variant_id"], admin) == 3
    assert pay(api, unpaid).status_code == 409


def test_a_pending_order_within_its_window_stays(api: Api) -> None:
    order = guest_order(api)
    release(api)
    assert read_order(api, order)["status"] == "pending"


def test_no_window_when_the_ttl_is_zero(make_app: AppFactory) -> None:
    api = Api.of(make_app("embedded", order_payment_ttl=0))
    order = guest_order(api)
    assert order["pay_by"] is None
    api.adapters.ordering.maintain()
    assert read_order(api, order)["status"] == "pending"


def test_the_confirmation_email_says_how_long_there_is_to_pay(
    make_app: AppFactory, caplog: Any
) -> None:
    caplog.set_level("INFO", logger="shop.mail")
    api = Api.of(make_app("embedded"))
    guest_order(api)
    inline = api.adapters.ordering.inline_jobs
    assert inline is not None
    inline.drain()
    assert "Please pay within 1 hour (by " in caplog.text
    assert "an unpaid order is then cancelled" in caplog.text


def test_a_payment_racing_the_release_is_never_lost_nor_kept(make_app: AppFactory) -> None:
    app: Flask = make_app("postgres")
    api = Api.of(app)
    placed = [guest_order(api, price="3.00", quantity=1, stock=1) for _ in range(12)]
    overdue(api, *(o["id"] for o in placed))
    barrier = threading.Barrier(len(placed) + 1)
    answers: dict[int, int] = {}

    def customer(order: dict[str, Any]) -> None:
        client = app.test_client()
        barrier.wait()
        response = client.post(
            f"/api/v1/orders/{order['id']}/payments",
            json={"test_card": "4242424242424242"},
            headers={"X-Order-Token": order["order_token"]},
        )
        answers[order["id"]] = response.status_code

    def releaser() -> None:
        barrier.wait()
        maintain_payments(api.adapters.ordering.payments)

    threads = [threading.Thread(target=customer, args=(o,)) for o in placed]
    threads.append(threading.Thread(target=releaser))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert set(answers.values()) <= {201, 409}, answers
    assert len(answers) == len(placed)
    run_jobs(api)  # the refunds the losers were handed, on a real worker
    admin = api.admin_headers()
    for order in placed:
        final = read_order(api, order)
        charged = [p for p in final["payments"] if p["status"] == "succeeded"]
        if final["status"] == "paid":
            assert final["payment_status"] == "paid"
            assert stock_of(api.client, order["variant_id"], admin) == 0
        else:
            assert final["status"] == "cancelled"
            assert stock_of(api.client, order["variant_id"], admin) == 1
            if charged:
                assert final["payment_status"] == "refunded", final
                assert final["refunded_amount"] == "3.00"
