"""Attributes with their values, and categories."""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request, url_for

from shop.entrypoints.admin_console.blueprint import console
from shop.entrypoints.admin_console.forms import attempt, optional_int, text
from shop.entrypoints.admin_console.session import actor
from shop.entrypoints.web.context import adapters
from shop.services.catalog import attributes, categories, reads

MAX_LISTED = 100


@console.route("/attributes", methods=["GET", "POST"])
def attribute_list() -> Any:
    a = adapters()
    if request.method == "POST":
        attempt(
            lambda: attributes.create_attribute(
                a.catalog.uow, a.catalog.version, text("name"), actor=actor(), clock=a.clock
            ),
            "Attribute created.",
        )
        return redirect(url_for("console.attribute_list"))
    rows, total = reads.list_attributes(a.catalog.queries, 1, MAX_LISTED)
    return render_template("admin/attributes.html", rows=rows, total=total)


@console.route("/attributes/<int:attribute_id>/values", methods=["POST"])
def add_attribute_value(attribute_id: int) -> Any:
    a = adapters()
    attempt(
        lambda: attributes.add_attribute_value(
            a.catalog.uow,
            a.catalog.version,
            attribute_id,
            text("value"),
            actor=actor(),
            clock=a.clock,
        ),
        "Value added.",
    )
    return redirect(url_for("console.attribute_list"))


@console.route("/categories", methods=["GET", "POST"])
def category_list() -> Any:
    a = adapters()
    if request.method == "POST":
        attempt(
            lambda: categories.create_category(
                a.catalog.uow,
                a.catalog.version,
                text("name"),
                text("slug") or None,
                actor=actor(),
                clock=a.clock,
            ),
            "Category created.",
        )
        return redirect(url_for("console.category_list"))
    rows, total = reads.list_categories(a.catalog.queries, 1, MAX_LISTED)
    return render_template("admin/categories.html", rows=rows, total=total)


@console.route("/categories/<int:category_id>", methods=["POST"])
def edit_category(category_id: int) -> Any:
    a = adapters()
    attempt(
        lambda: categories.update_category(
            a.catalog.uow,
            a.catalog.version,
            category_id,
            name=text("name"),
            expected_version=optional_int(request.form.get("version")),
            actor=actor(),
            clock=a.clock,
        ),
        "Category renamed.",
    )
    return redirect(url_for("console.category_list"))


@console.route("/categories/<int:category_id>/delete", methods=["POST"])
def delete_category(category_id: int) -> Any:
    a = adapters()
    attempt(
        lambda: categories.delete_category(
            a.catalog.uow,
            a.catalog.version,
            category_id,
            expected_version=optional_int(request.form.get("version")),
            actor=actor(),
            clock=a.clock,
        ),
        "Category deleted.",
    )
    return redirect(url_for("console.category_list"))
