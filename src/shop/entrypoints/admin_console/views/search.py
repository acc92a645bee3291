"""One search for the command palette: products by name or SKU, customers by email (and
orders by number once orders exist), as JSON results to jump to."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request, url_for

from shop.entrypoints.admin_console.blueprint import console
from shop.entrypoints.web.context import adapters
from shop.services.accounts import admins
from shop.services.catalog import overview
from shop.services.catalog.ports import ProductOverviewFilter

PER_KIND = 5
MAX_QUERY = 100


@console.route("/search")
def search() -> Any:
    q = request.args.get("q", "").strip()[:MAX_QUERY]
    if not q:
        return jsonify(results=[])
    a = adapters()
    products, _ = overview.product_overview(
        a.catalog.overview, ProductOverviewFilter(q=q), 1, PER_KIND
    )
    results: list[dict[str, str]] = [
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
