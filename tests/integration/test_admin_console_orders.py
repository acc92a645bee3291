"""Orders in the console: the list, the detail with only the allowed moves, each move audited
(from the console and from the API), the dashboard's figures and the customers' totals."""

from __future__ import annotations

from typing import Any

from flask import Flask

from shop.services.audit.log import list_entries
from shop.services.audit.ports import AuditFilter
from tests.integration.apps import Api
from tests.integration.checkout_support import BODY, guest_cart
from tests.integration.console_support import Console, signed_in_console
from tests.integration.factories import make_variant


def _order(console: Console, variant_id: int, quantity: int = 2) -> dict[str, Any]:
    token = guest_cart(console.client, {variant_id: quantity})
    response = console.client.post("/api/v1/checkout", json=BODY, headers={"X-Cart-Token": token})
    assert response.status_code == 201, response.json
    return dict(response.json or {})


def _buttons(html: str) -> list[str]:
    names = ("Mark paid", "Mark shipped", "Mark delivered", "Cancel order")
    return [name for name in names if f">{name}</button>" in html]


def _order_entries(console: Console, order_id: int) -> list[dict[str, Any]]:
    rows, _ = list_entries(
        console.adapters.audit, AuditFilter(entity="order", entity_id=str(order_id)), 1, 50
    )
    return list(reversed(rows))


def test_an_order_moves_through_its_statuses_with_only_the_allowed_buttons(app: Flask) -> None:
    console = signed_in_console(app)
    variant_id = make_variant(console.adapters, price="12.50", stock=5)
    order = _order(console, variant_id)
    page = f"/admin/orders/{order['id']}"
    assert "ann@example.com" in console.get("/admin/orders").text
    assert _buttons(console.get(page).text) == ["Mark paid", "Cancel order"]

    for target, buttons in (
        ("paid", ["Mark shipped", "Cancel order"]),
        ("shipped", ["Mark delivered"]),
        ("delivered", []),
    ):
        moved = console.post(f"{page}/status", {"status": target})
        assert moved.status_code == 302
        html = console.get(page).text
        assert f"is now {target}" in html
        assert _buttons(html) == buttons

    refused = console.post(f"{page}/status", {"status": "cancelled"})
    assert "cannot" in console.client.get(refused.headers["Location"]).text
    entries = _order_entries(console, order["id"])
    assert [e["changes"]["status"] for e in entries] == [
        ["pending", "paid"],
        ["paid", "shipped"],
        ["shipped", "delivered"],
    ]
    assert {(e["source"], e["action"], e["actor_email"]) for e in entries} == {
        ("console", "status", "boss@example.com")
    }


def test_a_cancel_from_the_console_restocks_and_is_audited(app: Flask) -> None:
    console = signed_in_console(app)
    variant_id = make_variant(console.adapters, stock=5)
    order = _order(console, variant_id, quantity=3)
    console.post(f"/admin/orders/{order['id']}/status", {"status": "cancelled"})
    assert console.client.get(f"/api/v1/variants/{variant_id}").json["stock"] == 5  # type: ignore[index]
    assert _order_entries(console, order["id"])[0]["changes"] == {
        "status": ["pending", "cancelled"]
    }


def test_order_moves_through_the_api_are_audited_too(api: Api) -> None:
    admin = api.admin_headers()
    variant_id = make_variant(api.adapters, stock=5)
    token = guest_cart(api.client, {variant_id: 1})
    order = api.client.post("/api/v1/checkout", json=BODY, headers={"X-Cart-Token": token}).json
    oid = order["id"]  # type: ignore[index]
    api.client.patch(f"/api/v1/orders/{oid}", json={"status": "paid"}, headers=admin)
    api.client.post(f"/api/v1/orders/{oid}/cancel", headers=admin)
    entries = api.client.get(
        "/api/v1/admin/audit", query_string={"entity": "order"}, headers=admin
    ).json
    assert [(e["source"], e["changes"]["status"]) for e in reversed(entries)] == [  # type: ignore[arg-type]
        ("api", ["pending", "paid"]),
        ("api", ["paid", "cancelled"]),
    ]


def test_the_dashboard_counts_todays_orders_and_paid_revenue(app: Flask) -> None:
    console = signed_in_console(app)
    variant_id = make_variant(console.adapters, price="10.00", stock=10)
    first, _second = _order(console, variant_id, 2), _order(console, variant_id, 1)
    console.post(f"/admin/orders/{first['id']}/status", {"status": "paid"})
    html = console.get("/admin").text
    assert '<p class="figure" id="orders-today">2</p>' in html
    assert '<p class="figure" id="revenue-today">20.00 USD</p>' in html


def test_the_order_filters_narrow_the_list(app: Flask) -> None:
    console = signed_in_console(app)
    variant_id = make_variant(console.adapters, stock=10)
    order = _order(console, variant_id)
    listed = console.get(
        "/admin/orders", query_string={"status": "pending", "email": "ann@example.com"}
    )
    assert f"#{order['id']}" in listed.text
    assert f"#{order['id']}" not in console.get("/admin/orders?status=paid").text
    assert f"#{order['id']}" not in console.get("/admin/orders?created_after=2999-01-01").text
    assert console.get("/admin/orders?created_after=yesterday").status_code == 422


def test_the_palette_finds_an_order_by_its_number(app: Flask) -> None:
    console = signed_in_console(app)
    order = _order(console, make_variant(console.adapters, price="12.50", stock=5))
    for query in (str(order["id"]), f"#{order['id']}"):
        found = console.get(f"/admin/search?q={query.replace('#', '%23')}").json or {}
        orders = [r for r in found["results"] if r["kind"] == "Order"]
        assert [(r["label"], r["url"]) for r in orders] == [
            (f"#{order['id']}", f"/admin/orders/{order['id']}")
        ]
        assert "ann@example.com" in orders[0]["detail"]
    for missing in (str(order["id"] + 1000), "99999999999999999999", "#", "１２"):
        found = console.get(f"/admin/search?q={missing.replace('#', '%23')}").json or {}
        assert [r for r in found["results"] if r["kind"] == "Order"] == []
