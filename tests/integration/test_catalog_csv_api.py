"""The catalog CSV through the API on both backends (a real `shop worker` on PostgreSQL +
Redis): dry runs, applies, errors by row, exports that re-import unchanged."""

from __future__ import annotations

import io

import pytest

from tests.integration.apps import Api
from tests.integration.imports_support import (
    HEADER,
    apply,
    catalog_csv,
    report,
    upload,
    wait_finished,
)

pytestmark = pytest.mark.usefixtures("jobs_run")


def export(api: Api, headers: dict[str, str], query: str = "") -> str:
    response = api.client.get(f"/api/v1/admin/catalog/export{query}", headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return response.get_data(as_text=True)


def test_a_dry_run_changes_nothing_and_its_apply_shows_in_the_public_api(api: Api) -> None:
    admin = api.admin_headers()
    import_id = upload(api, admin, catalog_csv(3, 2))
    checked = wait_finished(api, admin, import_id)
    assert checked["state"] == "done"
    assert checked["counts"] == {"create": 6, "update": 0, "unchanged": 0, "error": 0}
    assert api.client.get("/api/v1/products").json == []
    applied = apply(api, admin, import_id)
    assert (applied["state"], applied["mode"]) == ("done", "apply")
    products = api.client.get("/api/v1/products?sort=name").json
    assert [p["slug"] for p in products] == ["item-0", "item-1", "item-2"]
    audit = api.client.get("/api/v1/admin/audit?entity=product", headers=admin).json
    assert {entry["source"] for entry in audit} == {"import"}


def test_an_export_reimports_as_all_unchanged(api: Api) -> None:
    admin = api.admin_headers()
    apply(api, admin, upload(api, admin, catalog_csv(4, 3)))
    exported = export(api, admin)
    assert exported.splitlines()[0].split(",")[-2:] == ["attr:Color", "attr:Size"]
    again = wait_finished(api, admin, upload(api, admin, exported))
    assert again["counts"] == {"create": 0, "update": 0, "unchanged": 12, "error": 0}


def test_errors_are_reported_by_row_and_column_and_block_the_apply(api: Api) -> None:
    admin = api.admin_headers()
    text = catalog_csv(2, 2).replace("SKU-1-0,19.90", 'SKU-1-0,"12,50"') + "x,X,,,,,,,,,,,\n"
    finished = wait_finished(
        api,
        admin,
        upload(api, admin, HEADER.replace("sku", "SKU ") + text.split("\n", 1)[1] + "colour\n"),
    )
    assert finished["state"] == "done"
    errors = {(e["row"], e["field"]): e["message"] for e in finished["errors"]}
    assert errors[(4, "price")] == "'12,50' is not a price like 12.50"
    assert (6, "category_slug") in errors
    response = api.client.post(
        f"/api/v1/admin/catalog/imports/{finished['id']}/apply", headers=admin
    )
    assert response.status_code == 409


def test_unknown_columns_are_reported_and_missing_required_ones_fail_clearly(api: Api) -> None:
    admin = api.admin_headers()
    extra = catalog_csv(1, 1).replace("attr:Size\n", "attr:Size,Colour\n", 1)
    finished = wait_finished(api, admin, upload(api, admin, extra))
    assert finished["state"] == "done"
    assert {"row": 1, "field": "Colour", "message": "unknown column, ignored"} in finished["errors"]
    missing = wait_finished(api, admin, upload(api, admin, "product_slug,sku\nx,Y\n"))
    assert missing["state"] == "failed"
    assert len(missing["errors"]) == 1
    assert missing["errors"][0]["message"].startswith("required column missing")


def test_a_file_over_the_limit_is_413(make_app, backend: str) -> None:  # type: ignore[no-untyped-def]
    app = make_app(backend, import_max_bytes=1000)
    api = Api(client=app.test_client(), app=app)
    admin = api.admin_headers()
    response = api.client.post(
        "/api/v1/admin/catalog/imports",
        data={"file": (io.BytesIO(b"x" * 2000), "catalog.csv")},
        headers=admin,
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"


def test_import_endpoints_are_for_admins_and_name_missing_things(api: Api) -> None:
    customer = api.customer_headers()
    assert api.client.get("/api/v1/admin/catalog/export", headers=customer).status_code == 403
    assert api.client.get("/api/v1/admin/catalog/export").status_code == 401
    admin = api.admin_headers()
    assert api.client.get("/api/v1/admin/catalog/imports/999", headers=admin).status_code == 404
    no_file = api.client.post("/api/v1/admin/catalog/imports", data={}, headers=admin)
    assert no_file.status_code == 422


def test_the_export_takes_the_product_list_filters_and_neutralises_formulas(api: Api) -> None:
    admin = api.admin_headers()
    text = catalog_csv(3, 1).replace("Made to last", "=HYPERLINK(1)")
    apply(api, admin, upload(api, admin, text))
    lines = export(api, admin, "?category=cat-1").splitlines()
    assert len(lines) == 2
    assert ",'=HYPERLINK(1)," in lines[1]
    assert report(api, admin, 1)["id"] == 1
