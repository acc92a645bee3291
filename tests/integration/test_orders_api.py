"""Orders: list filters, cancel with restock, admin moves, ever-ordered products, the outbox."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from shop.adapters.sql.order_tables import outbox
from tests.integration.apps import Api
from tests.integration.checkout_support import BODY, fill_cart, guest_cart, stock_of
from tests.integration.factories import make_variant


def user_order(api: Api, headers: dict[str, str], lines: dict[int, int]) -> dict[str, Any]:
    fill_cart(api.client, headers, lines)
    response = api.client.post("/api/v1/checkout", json=BODY, headers=headers)
    assert response.status_code == 201, response.json
    return dict(response.json or {})


def test_the_owner_cancels_a_pending_order_and_the_stock_returns_once(api: Api) -> None:
    a = make_variant(api.adapters, stock=4)
    me = api.customer_headers()
    order = user_order(api, me, {a: 3})
    admin = api.admin_headers()
    assert stock_of(api.client, a, admin) == 1
    cancelled = api.client.post(f"/api/v1/orders/{order['id']}/cancel", headers=me)
    assert cancelled.status_code == 200
    assert cancelled.json["status"] == "cancelled"
    assert stock_of(api.client, a, admin) == 4
    again = api.client.post(f"/api/v1/orders/{order['id']}/cancel", headers=admin)
    assert again.status_code == 409
    assert stock_of(api.client, a, admin) == 4


def test_a_customer_cannot_cancel_a_paid_order_but_an_admin_can(api: Api) -> None:
    a = make_variant(api.adapters, stock=4)
    me = api.customer_headers()
    order = user_order(api, me, {a: 1})
    admin = api.admin_headers()
    path = f"/api/v1/orders/{order['id']}"
    assert api.client.patch(path, json={"status": "paid"}, headers=me).status_code == 403
    assert api.client.patch(path, json={"status": "paid"}, headers=admin).json["status"] == "paid"
    assert api.client.post(f"{path}/cancel", headers=me).status_code == 409
    assert api.client.post(f"{path}/cancel", headers=api.customer_headers()).status_code == 404
    assert api.client.post(f"{path}/cancel", headers=admin).json["status"] == "cancelled"
    assert stock_of(api.client, a, admin) == 4


def test_admin_moves_follow_the_machine(api: Api) -> None:
    a = make_variant(api.adapters, stock=4)
    order = user_order(api, api.customer_headers(), {a: 1})
    admin = api.admin_headers()
    path = f"/api/v1/orders/{order['id']}"
    assert api.client.patch(path, json={"status": "shipped"}, headers=admin).status_code == 409
    for status in ("paid", "shipped", "delivered"):
        response = api.client.patch(path, json={"status": status}, headers=admin)
        assert response.status_code == 200, response.json
        assert response.json["status"] == status
    assert api.client.patch(path, json={"status": "cancelled"}, headers=admin).status_code == 409
    assert api.client.patch(path, json={"status": "lost"}, headers=admin).status_code == 422
    assert (
        api.client.patch("/api/v1/orders/99999", json={"status": "paid"}, headers=admin).status_code
        == 404
    )
    assert stock_of(api.client, a, admin) == 3


def test_admins_list_every_order_with_filters(api: Api) -> None:
    a = make_variant(api.adapters, stock=9)
    first = user_order(api, api.customer_headers(), {a: 1})
    token = guest_cart(api.client, {a: 1})
    guest = api.client.post(
        "/api/v1/checkout",
        json={**BODY, "email": "Guest@Example.com"},
        headers={"X-Cart-Token": token},
    ).json
    admin = api.admin_headers()
    api.client.patch(f"/api/v1/orders/{first['id']}", json={"status": "paid"}, headers=admin)
    everything = api.client.get("/api/v1/orders", headers=admin)
    assert [o["id"] for o in everything.json] == [guest["id"], first["id"]]
    assert '"total": 2' in everything.headers["X-Pagination"]
    paid = api.client.get("/api/v1/orders?status=paid", headers=admin).json
    assert [o["id"] for o in paid] == [first["id"]]
    by_email = api.client.get("/api/v1/orders?email=guest@example.com", headers=admin).json
    assert [o["id"] for o in by_email] == [guest["id"]]
    later = api.client.get("/api/v1/orders?created_after=2999-01-01T00:00:00Z", headers=admin)
    assert later.json == []
    assert (
        api.client.get("/api/v1/orders?created_after=yesterday", headers=admin).status_code == 422
    )
    assert api.client.get("/api/v1/orders?page_size=101", headers=admin).status_code == 422
    huge = "/api/v1/orders?page=203231560564107946357854044160"
    assert api.client.get(huge, headers=admin).status_code == 422
    assert api.client.get(huge.replace("orders", "admin/outbox"), headers=admin).status_code == 422
    assert api.client.get("/api/v1/orders").status_code == 401


def test_a_product_that_was_ordered_is_deactivated_not_deleted(api: Api) -> None:
    a = make_variant(api.adapters, stock=3)
    admin = api.admin_headers()
    product_id = api.client.get(f"/api/v1/variants/{a}", headers=admin).json["product_id"]
    user_order(api, api.customer_headers(), {a: 1})
    assert api.client.delete(f"/api/v1/products/{product_id}", headers=admin).status_code == 204
    kept = api.client.get(f"/api/v1/products/{product_id}", headers=admin)
    assert kept.status_code == 200
    assert kept.json["is_active"] is False


def test_admins_see_dead_outbox_entries_and_retry_them(api: Api) -> None:
    a = make_variant(api.adapters, stock=3)
    user_order(api, api.customer_headers(), {a: 1})
    admin = api.admin_headers()
    if api.adapters.ordering.inline_jobs is not None:
        api.adapters.ordering.inline_jobs.drain()  # the embedded default sent it meanwhile
    with api.adapters.engine.begin() as connection:
        connection.execute(update(outbox).values(state="dead", attempts=8, last_error="refused"))
    dead = api.client.get("/api/v1/admin/outbox?state=dead", headers=admin)
    assert dead.status_code == 200
    (entry,) = dead.json
    assert entry["kind"] == "order_confirmation"
    assert entry["attempts"] == 8
    assert (
        api.client.post(f"/api/v1/admin/outbox/{entry['id']}/retry", headers=admin).status_code
        == 202
    )
    assert api.client.get("/api/v1/admin/outbox?state=dead", headers=admin).json == []
    assert api.client.post("/api/v1/admin/outbox/99999/retry", headers=admin).status_code == 404
    customer = api.customer_headers()
    assert api.client.get("/api/v1/admin/outbox", headers=customer).status_code == 403
    assert api.client.get("/api/v1/admin/outbox").status_code == 401
