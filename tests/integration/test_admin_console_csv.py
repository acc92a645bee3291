"""The console's catalog CSV pages and palette search, without JavaScript: upload, report,
apply (with the session's CSRF token), export of the filtered list, one search endpoint."""

from __future__ import annotations

import io
import time

import pytest
from flask import Flask

from shop.services.catalog.imports.requests import import_report
from tests.integration.console_support import Console, signed_in_console
from tests.integration.imports_support import catalog_csv

pytestmark = pytest.mark.usefixtures("jobs_run")


def _upload(console: Console, text: str, mode: str = "dry_run") -> int:
    response = console.post(
        "/admin/imports/new",
        {"file": (io.BytesIO(text.encode()), "catalog.csv"), "mode": mode},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.text
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _finished(console: Console, import_id: int) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        page = console.get(f"/admin/imports/{import_id}").text
        if 'id="import-state">done' in page or 'id="import-state">failed' in page:
            return page
        assert 'http-equiv="refresh"' in page  # refreshes itself without JavaScript
        time.sleep(0.05)
    raise AssertionError("the import did not finish")


def test_upload_report_and_apply_from_the_console(app: Flask) -> None:
    console = signed_in_console(app)
    bad = catalog_csv(2, 1).replace("SKU-1-0,19.90", 'SKU-1-0,"12,50"')
    page = _finished(console, _upload(console, bad))
    assert "&#39;12,50&#39; is not a price like 12.50" in page
    assert "Apply import" not in page
    import_id = _upload(console, catalog_csv(3, 2))
    page = _finished(console, import_id)
    assert "Apply import" in page
    refused = console.client.post(f"/admin/imports/{import_id}/apply", data={})
    assert refused.status_code in (400, 403)  # no CSRF token: nothing changes
    assert console.post(f"/admin/imports/{import_id}/apply").status_code == 302
    page = _finished(console, import_id)
    assert "Applied: the catalog now matches the file." in page
    report = import_report(console.adapters.catalog.imports, import_id)
    assert (report["mode"], report["counts"]["create"]) == ("apply", 6)
    audit = console.client.get("/admin/audit?entity=product").text
    assert "import" in audit


def test_the_export_follows_the_product_list_filters(app: Flask) -> None:
    console = signed_in_console(app)
    _finished(console, _upload(console, catalog_csv(16, 1), mode="apply"))
    products = console.get("/admin/products").text
    assert "Export CSV" in products
    category = console.client.get("/api/v1/categories?page_size=100").json or []
    cat_3 = next(c["id"] for c in category if c["slug"] == "cat-3")
    exported = console.get(f"/admin/products/export.csv?category={cat_3}")
    assert exported.mimetype == "text/csv"
    rows = exported.text.splitlines()[1:]
    assert sorted(r.split(",")[0] for r in rows) == ["item-11", "item-3"]


def test_one_search_finds_products_by_name_or_sku_and_customers_by_email(app: Flask) -> None:
    console = signed_in_console(app, "boss@example.com")
    _finished(console, _upload(console, catalog_csv(3, 2), mode="apply"))
    by_sku = console.get("/admin/search?q=sku-2-1").json or {}
    assert [(r["kind"], r["label"]) for r in by_sku["results"]] == [("Product", "Item 2")]
    by_email = console.get("/admin/search?q=boss@").json or {}
    assert [(r["kind"], r["label"]) for r in by_email["results"]] == [
        ("Customer", "boss@example.com")
    ]
    assert console.get("/admin/search?q=").json == {"results": []}
    signed_out = app.test_client().get("/admin/search?q=item")
    assert signed_out.status_code == 302  # to the sign-in page
