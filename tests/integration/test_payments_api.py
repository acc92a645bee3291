"""Paying with the built-in test provider, end to end, on the embedded default and on
PostgreSQL + Redis: cart -> checkout -> pay -> paid; declined -> pay again -> paid."""

from __future__ import annotations

from tests.integration.apps import Api
from tests.integration.checkout_support import stock_of
from tests.integration.payment_support import (
    DECLINED,
    SUCCEEDS,
    guest_order,
    pay,
    payment_count,
    read_order,
    run_jobs,
)


def test_a_good_card_pays_the_order(api: Api) -> None:
    order = guest_order(api)
    assert order["payment_status"] == "unpaid"
    assert order["payments"] == []
    assert order["refunded_amount"] == "0.00"
    assert order["pay_by"] is not None
    response = pay(api, order, SUCCEEDS)
    assert response.status_code == 201, response.json
    payment = response.json
    assert payment["status"] == "succeeded"
    assert payment["amount"] == "25.00"
    assert payment["currency"] == "USD"
    assert payment["provider"] == "test"
    assert payment["order_id"] == order["id"]
    paid = read_order(api, order)
    assert paid["status"] == "paid"
    assert paid["payment_status"] == "paid"
    assert paid["pay_by"] is None
    assert [(p["id"], p["status"], p["amount"]) for p in paid["payments"]] == [
        (payment["id"], "succeeded", "25.00")
    ]


def test_a_declined_card_leaves_the_order_pending_and_it_may_be_paid_again(api: Api) -> None:
    order = guest_order(api)
    declined = pay(api, order, DECLINED)
    assert declined.status_code == 201, declined.json
    assert declined.json["status"] == "failed"
    assert read_order(api, order)["status"] == "pending"
    again = pay(api, order, SUCCEEDS)
    assert again.status_code == 201
    assert again.json["status"] == "succeeded"
    final = read_order(api, order)
    assert final["status"] == "paid"
    assert [p["status"] for p in final["payments"]] == ["failed", "succeeded"]
    listed = api.client.get(
        f"/api/v1/orders/{order['id']}/payments", headers={"X-Order-Token": order["order_token"]}
    )
    assert listed.status_code == 200
    assert [p["status"] for p in listed.json] == ["failed", "succeeded"]


def test_a_paid_order_cannot_be_paid_twice(api: Api) -> None:
    order = guest_order(api)
    assert pay(api, order).status_code == 201
    second = pay(api, order)
    assert second.status_code == 409
    assert second.content_type == "application/problem+json"
    assert len(read_order(api, order)["payments"]) == 1


def test_other_card_numbers_are_refused_and_nothing_is_written(api: Api) -> None:
    order = guest_order(api)
    for body_card in ("4111111111111111", "", None):
        response = pay(api, order, body_card)
        assert response.status_code == 422, response.json
        assert response.content_type == "application/problem+json"
    assert read_order(api, order)["payments"] == []


def test_nobody_else_pays_or_reads_the_payments(api: Api) -> None:
    order = guest_order(api)
    other = guest_order(api)
    url = f"/api/v1/orders/{order['id']}/payments"
    stranger = {"X-Order-Token": other["order_token"]}
    assert api.client.post(url, json={"test_card": SUCCEEDS}, headers=stranger).status_code == 404
    assert api.client.get(url, headers=stranger).status_code == 404
    assert api.client.post(url, json={"test_card": SUCCEEDS}).status_code == 401
    assert api.client.get(url, headers=api.customer_headers()).status_code == 404
    assert read_order(api, order)["status"] == "pending"


def test_a_cancelled_order_cannot_be_paid(api: Api) -> None:
    order = guest_order(api)
    admin = api.admin_headers()
    cancelled = api.client.post(f"/api/v1/orders/{order['id']}/cancel", headers=admin)
    assert cancelled.status_code == 200
    assert pay(api, order).status_code == 409


def test_an_admin_cancelling_a_paid_order_refunds_it_in_full(api: Api) -> None:
    order = guest_order(api)
    assert pay(api, order).status_code == 201
    admin = api.admin_headers()
    response = api.client.post(f"/api/v1/orders/{order['id']}/cancel", headers=admin)
    assert response.status_code == 200
    run_jobs(api)
    refunded = read_order(api, order)
    assert refunded["status"] == "cancelled"
    assert refunded["payment_status"] == "refunded"
    assert refunded["refunded_amount"] == "25.00"
    assert stock_of(api.client, order["variant_id"], admin) == 5


def test_admins_list_payments_by_status(api: Api) -> None:
    order = guest_order(api)
    pay(api, order, DECLINED)
    pay(api, order, SUCCEEDS)
    admin = api.admin_headers()
    listed = api.client.get("/api/v1/admin/payments?status=failed", headers=admin)
    assert listed.status_code == 200
    assert [p["status"] for p in listed.json] == ["failed"]
    flagged = api.client.get("/api/v1/admin/payments?flagged=true", headers=admin)
    assert flagged.json == []
    customer = api.client.get("/api/v1/admin/payments", headers=api.customer_headers())
    assert customer.status_code == 403


def test_payments_are_counted_in_the_metrics(api: Api) -> None:
    before = {e: payment_count(api, e) for e in ("succeeded", "failed", "refunded")}
    order = guest_order(api)
    pay(api, order, DECLINED)
    pay(api, order, SUCCEEDS)
    api.client.post(f"/api/v1/orders/{order['id']}/cancel", headers=api.admin_headers())
    run_jobs(api)
    assert payment_count(api, "succeeded") == before["succeeded"] + 1
    assert payment_count(api, "failed") == before["failed"] + 1
    if api.adapters.ordering.inline_refunds is not None:  # on Redis the worker refunds
        assert payment_count(api, "refunded") == before["refunded"] + 1
