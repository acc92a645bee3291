"""Variants: add one, edit inline, the variant matrix generator, and the variant page with its
stock ledger and adjustments (the console changes stock only relatively)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from shop.domain.errors import DomainError
from shop.entrypoints.admin_console.blueprint import console
from shop.entrypoints.admin_console.forms import (
    amount,
    attempt,
    describe,
    integer,
    optional_int,
    text,
)
from shop.entrypoints.admin_console.session import actor
from shop.entrypoints.web.context import adapters
from shop.services.catalog import matrix, reads, stock, variants

LEDGER_PAGE = 50


def _attributes() -> list[dict[str, Any]]:
    rows, _ = reads.list_attributes(adapters().catalog.queries, 1, 100)
    return rows


def _axes(form: MultiDict[str, str]) -> dict[str, list[str]]:
    """The ticked values of each attribute: checkboxes named axis-<attribute id>."""
    return {
        attribute["name"]: form.getlist(f"axis-{attribute['id']}") for attribute in _attributes()
    }


def _chosen_attributes(form: Mapping[str, str]) -> dict[str, str]:
    return {
        attribute["name"]: form[f"attr-{attribute['id']}"]
        for attribute in _attributes()
        if form.get(f"attr-{attribute['id']}")
    }


def _back(product_id: int) -> Any:
    return redirect(url_for("console.product_page", product_id=product_id))


@console.route("/products/<int:product_id>/variants", methods=["POST"])
def add_variant(product_id: int) -> Any:
    a = adapters()
    attempt(
        lambda: variants.add_variant(
            a.catalog.uow,
            a.catalog.version,
            a.clock,
            product_id,
            sku=text("sku"),
            price=amount("price"),
            stock=integer("stock"),
            attributes=_chosen_attributes(request.form),
            expected_version=optional_int(request.form.get("version")),
            actor=actor(),
        ),
        "Variant added.",
    )
    return _back(product_id)


@console.route("/products/<int:product_id>/matrix")
def matrix_preview(product_id: int) -> Any:
    """The combinations the ticked values make, the existing ones marked (an htmx partial)."""
    product = reads.get_product(adapters().catalog.queries, product_id, include_inactive=True)
    try:
        cells = matrix.plan(product, _axes(request.args), request.args.get("sku_prefix", ""))
        error = None
    except DomainError as failure:
        cells, error = [], describe(failure)
    return render_template("admin/_matrix_preview.html", cells=cells, error=error)


@console.route("/products/<int:product_id>/matrix", methods=["POST"])
def generate_variants(product_id: int) -> Any:
    a = adapters()
    made = attempt(
        lambda: matrix.generate_variants(
            a.catalog.uow,
            a.catalog.version,
            a.clock,
            product_id,
            axes=_axes(request.form),
            sku_prefix=text("sku_prefix"),
            price=amount("price"),
            stock=integer("stock"),
            expected_version=optional_int(request.form.get("version")),
            actor=actor(),
        ),
        "Variants generated.",
    )
    if made is not None and not made:
        attempt(lambda: None, "Every combination exists already; nothing to create.")
    return _back(product_id)


@console.route("/variants/<int:variant_id>", methods=["POST"])
def edit_variant(variant_id: int) -> Any:
    a = adapters()
    variant = reads.get_variant(a.catalog.queries, variant_id, include_inactive=True)
    attempt(
        lambda: variants.update_variant(
            a.catalog.uow,
            a.catalog.version,
            a.clock,
            variant_id,
            sku=text("sku"),
            price=amount("price"),
            is_active=request.form.get("is_active") == "on",
            expected_version=optional_int(request.form.get("version")),
            actor=actor(),
        ),
        "Variant saved.",
    )
    return _back(variant["product_id"])


@console.route("/variants/<int:variant_id>")
def variant_page(variant_id: int) -> Any:
    a = adapters()
    variant = reads.get_variant(a.catalog.queries, variant_id, include_inactive=True)
    product = reads.get_product(a.catalog.queries, variant["product_id"], include_inactive=True)
    ledger, total = stock.stock_ledger(a.catalog.queries, variant_id, 1, LEDGER_PAGE)
    return render_template(
        "admin/variant.html", variant=variant, product=product, ledger=ledger, total=total
    )


@console.route("/variants/<int:variant_id>/stock", methods=["POST"])
def adjust_stock(variant_id: int) -> Any:
    a = adapters()
    attempt(
        lambda: stock.adjust_stock(
            a.catalog.uow,
            a.clock,
            variant_id,
            integer("delta"),
            text("reason"),
            actor=actor(),
        ),
        "Stock adjusted.",
    )
    return redirect(url_for("console.variant_page", variant_id=variant_id))
