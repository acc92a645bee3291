"""One search for the command palette: products by name or SKU, an order by its number
(`1042` or `#1042`), customers by email, as JSON results to jump to."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request, url_for

from shop.domain.errors import NotFound
from shop.entrypoints.admin_console.blueprint import console
from shop.entrypoints.web.context import adapters
from shop.services.accounts import admins
from shop.services.catalog import overview
from shop.services.catalog.ports import ProductOverviewFilter
from shop.services.orders import manage
from shop.services.orders.manage import Viewer

PER_KIND = 5
MAX_QUERY = 100
MAX_ORDER_NUMBER = 2**31 - 1  # the id column's range: beyond it no order exists
ADMIN = Viewer(is_admin=True)


def _order_results(q: str) -> list[dict[str, str]]:
    """The order numbered `q` (digits, with or without a leading '#'), if there is one."""
    number = q.removeprefix("#").strip()
    if not (number.isascii() and number.isdigit()) or int(number) > MAX_ORDER_NUMBER:
        return []
    try:
        order = manage.get_order(adapters().ordering.uow, ADMIN, int(number))
    except NotFound:
        return []
    return [
        {
            "kind": "Order",
            "label": f"#{order.id}",
            "detail": f"{order.status} · {order.buyer.email} · {order.total} {order.currency}",
            "url": url_for("console.order_page", order_id=order.id),
        }
    ]


@console.route("/search")
def search() -> Any:
    q = request.args.get("q", "").strip()[:MAX_QUERY]
    if not q:
        return jsonify(results=[])
    a = adapters()
    results = _order_results(q)
    products, _ = overview.product_overview(
        a.catalog.overview, ProductOverviewFilter(q=q), 1, PER_KIND
    )
    results += [
        {
            "kind": "Product",
            "label": p["name"],
            "detail": p["category"]["name"],
            "url": url_for("console.product_page", product_id=p["id"]),
        }
        for p in products
    ]
    customers, _ = admins.list_customers(a.accounts.customers, q, 1, PER_KIND)
    results += [
        {
            "kind": "Customer",
            "label": c["email"],
            "detail": c["full_name"] or str(c["role"]),
            "url": url_for("console.customer_list", q=c["email"]),
        }
        for c in customers
    ]
    return jsonify(results=results)
