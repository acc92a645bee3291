"""The product list (search, filters, pages, bulk actions) and the product form."""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request, url_for

from shop.domain.errors import DomainError, ValidationFailed
from shop.entrypoints.admin_console.blueprint import console
from shop.entrypoints.admin_console.forms import (
    attempt,
    describe,
    optional_int,
    page_count,
    page_number,
    text,
)
from shop.entrypoints.admin_console.session import actor
from shop.entrypoints.web.context import adapters
from shop.services.catalog import overview, products, reads
from shop.services.catalog.ports import ProductOverviewFilter, StockLevel

PAGE_SIZE = 25
BULK_ACTIONS = ("activate", "deactivate", "category")


def _all_categories() -> list[dict[str, Any]]:
    rows, _ = reads.list_categories(adapters().catalog.queries, 1, 100)
    return rows


def product_filters() -> ProductOverviewFilter:
    """The product list's filters, from the query string."""
    args = request.args
    active = {"yes": True, "no": False}.get(args.get("active", ""))
    stock = args.get("stock", "")
    return ProductOverviewFilter(
        q=args.get("q", "").strip() or None,
        category_id=optional_int(args.get("category")),
        active=active,
        stock=StockLevel(stock) if stock in {s.value for s in StockLevel} else None,
    )


@console.route("/products")
def product_list(results: list[dict[str, Any]] | None = None) -> Any:
    page = page_number()
    try:
        filters = product_filters()
    except ValidationFailed as error:
        filters, results = (
            ProductOverviewFilter(),
            [{"id": "", "ok": False, "message": describe(error)}],
        )
    rows, total = overview.product_overview(adapters().catalog.overview, filters, page, PAGE_SIZE)
    return render_template(
        "admin/products.html",
        rows=rows,
        total=total,
        page=page,
        pages=page_count(total, PAGE_SIZE),
        filters=filters,
        categories=_all_categories(),
        results=results,
    )


@console.route("/products/bulk", methods=["POST"])
def bulk_products() -> Any:
    """Each selected product goes through the same use case as the API, one by one: one
    failure (e.g. a product deleted meanwhile) does not stop the others."""
    a = adapters()
    action = request.form.get("action", "")
    ids = [value for value in request.form.getlist("ids") if value.strip()]
    results: list[dict[str, Any]] = []
    if action not in BULK_ACTIONS or not ids:
        results.append({"id": "", "ok": False, "message": "Pick products and an action."})
        return product_list(results)
    changes: dict[str, Any] = {"is_active": action == "activate"}
    if action == "category":
        changes = {"category_id": optional_int(request.form.get("category_id"))}
    for raw_id in ids:
        try:
            product_id = optional_int(raw_id)
            assert product_id is not None
            product = products.update_product(
                a.catalog.uow, a.catalog.version, a.clock, product_id, **changes, actor=actor()
            )
            results.append({"id": product_id, "ok": True, "message": f"{product.name}: done."})
        except DomainError as error:
            results.append({"id": raw_id, "ok": False, "message": describe(error)})
    return product_list(results)


@console.route("/products/new", methods=["GET", "POST"])
def new_product() -> Any:
    if request.method == "GET":
        return render_template("admin/product.html", product=None, categories=_all_categories())
    a = adapters()
    created = attempt(
        lambda: products.create_product(
            a.catalog.uow,
            a.catalog.version,
            a.clock,
            name=text("name"),
            category_id=optional_int(request.form.get("category_id")) or 0,
            description=text("description"),
            image_url=text("image_url") or None,
            actor=actor(),
        ),
        "Product created; add its variants below.",
    )
    if created is None:
        return redirect(url_for("console.new_product"))
    return redirect(url_for("console.product_page", product_id=created.id))


@console.route("/products/<int:product_id>", methods=["GET", "POST"])
def product_page(product_id: int) -> Any:
    a = adapters()
    if request.method == "POST":
        attempt(
            lambda: products.update_product(
                a.catalog.uow,
                a.catalog.version,
                a.clock,
                product_id,
                name=text("name"),
                description=text("description"),
                category_id=optional_int(request.form.get("category_id")) or 0,
                image_url=text("image_url") or None,
                is_active=request.form.get("is_active") == "on",
                expected_version=optional_int(request.form.get("version")),
                actor=actor(),
            ),
            "Product saved.",
        )
        return redirect(url_for("console.product_page", product_id=product_id))
    product = reads.get_product(a.catalog.queries, product_id, include_inactive=True)
    attributes, _ = reads.list_attributes(a.catalog.queries, 1, 100)
    return render_template(
        "admin/product.html",
        product=product,
        categories=_all_categories(),
        attributes=attributes,
    )
