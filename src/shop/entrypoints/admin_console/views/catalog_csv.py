"""The catalog CSV in the console: export the product list as filtered, upload a file, watch
its dry run, read its report, and apply it."""

from __future__ import annotations

from typing import Any

from flask import Response, redirect, render_template, request, stream_with_context, url_for

from shop.entrypoints.admin_console.blueprint import console
from shop.entrypoints.admin_console.forms import attempt
from shop.entrypoints.admin_console.session import actor
from shop.entrypoints.admin_console.views.products import product_filters
from shop.entrypoints.web.context import adapters
from shop.services.catalog.exports import export_csv
from shop.services.catalog.imports.ports import ImportMode
from shop.services.catalog.imports.requests import apply_import, import_report, start_import

UPLOAD_OVERHEAD_BYTES = 64 * 1024


@console.route("/products/export.csv")
def export_products() -> Response:
    """The catalog CSV of the products the list's current filters show, streamed."""
    chunks = export_csv(adapters().catalog.export, product_filters())
    return Response(
        stream_with_context(chunks),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="catalog.csv"'},
    )


@console.before_request
def _allow_large_uploads() -> None:
    if request.endpoint == "console.new_import" and request.method == "POST":
        limit = adapters().catalog.imports.max_bytes
        request.max_content_length = limit + UPLOAD_OVERHEAD_BYTES


@console.route("/imports/new", methods=["GET", "POST"])
def new_import() -> Any:
    if request.method == "GET":
        return render_template("admin/import_new.html")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return render_template("admin/import_new.html", message="Choose a CSV file."), 422
    mode = ImportMode.APPLY if request.form.get("mode") == "apply" else ImportMode.DRY_RUN
    deps = adapters().catalog.imports
    source = upload.stream
    record = attempt(lambda: start_import(deps, source, mode, actor()), "File uploaded.")
    if record is None:
        return redirect(url_for("console.new_import"))
    return redirect(url_for("console.import_page", import_id=record.id))


@console.route("/imports/<int:import_id>")
def import_page(import_id: int) -> Any:
    report = import_report(adapters().catalog.imports, import_id)
    return render_template("admin/import.html", report=report)


@console.route("/imports/<int:import_id>/apply", methods=["POST"])
def apply_import_page(import_id: int) -> Any:
    deps = adapters().catalog.imports
    attempt(lambda: apply_import(deps, import_id), "Applying the file: all of it or nothing.")
    return redirect(url_for("console.import_page", import_id=import_id))
