"""The console's pages change the shop through the same use cases as the API: each change is
audited with source "console", stale forms are refused, and the last admin stays."""

from __future__ import annotations

from typing import Any

from flask import Flask

from shop.services.audit.log import list_entries
from shop.services.audit.ports import AuditFilter
from shop.services.catalog import reads
from tests.integration.console_support import Console, make_customer, signed_in_console


def _entries(console: Console) -> list[dict[str, Any]]:
    rows, _ = list_entries(console.adapters.audit, AuditFilter(), 1, 100)
    return list(reversed(rows))


def _product(console: Console, pid: int) -> dict[str, Any]:
    """The product as the console reads it (with the version its forms carry)."""
    return reads.get_product(console.adapters.catalog.queries, pid, include_inactive=True)


def _build_catalog(console: Console) -> tuple[int, int]:
    """A category, Size (S, M) and Color (Red, Blue), and a product; their ids."""
    assert console.post("/admin/categories", {"name": "Shirts"}).status_code == 302
    category_id = console.client.get("/api/v1/categories").json[0]["id"]  # type: ignore[index]
    for name, values in (("Size", ("S", "M")), ("Color", ("Red", "Blue"))):
        console.post("/admin/attributes", {"name": name})
        attributes = console.client.get("/api/v1/attributes").json or []
        attribute_id = next(a["id"] for a in attributes if a["name"] == name)
        for value in values:
            console.post(f"/admin/attributes/{attribute_id}/values", {"value": value})
    created = console.post(
        "/admin/products/new",
        {"name": "Tee", "category_id": str(category_id), "description": "Cotton"},
    )
    return category_id, int(created.headers["Location"].rsplit("/", 1)[1])


def _axes(console: Console) -> dict[str, list[str]]:
    attributes = console.client.get("/api/v1/attributes").json or []
    return {f"axis-{a['id']}": [v["value"] for v in a["values"]] for a in attributes}


def test_the_matrix_previews_and_creates_the_missing_combinations(app: Flask) -> None:
    console = signed_in_console(app)
    _, pid = _build_catalog(console)
    size = next(a for a in console.client.get("/api/v1/attributes").json if a["name"] == "Size")  # type: ignore[union-attr]
    color = next(a for a in console.client.get("/api/v1/attributes").json if a["name"] == "Color")  # type: ignore[union-attr]
    console.post(
        f"/admin/products/{pid}/variants",
        {
            "sku": "TEE-S-RED",
            "price": "10.00",
            "stock": "1",
            f"attr-{size['id']}": "S",
            f"attr-{color['id']}": "Red",
        },
    )
    preview = console.get(f"/admin/products/{pid}/matrix", query_string=_axes(console))
    assert "4 combinations, 3 to create" in preview.text

    version = _product(console, pid)["version"]
    made = console.post(
        f"/admin/products/{pid}/matrix",
        {**_axes(console), "sku_prefix": "TEE", "price": "12.00", "stock": "5", "version": version},
    )
    assert made.status_code == 302
    variants = _product(console, pid)["variants"]
    assert sorted(v["sku"] for v in variants) == [
        "TEE-BLUE-M",
        "TEE-BLUE-S",
        "TEE-RED-M",
        "TEE-S-RED",
    ]
    assert (
        len([e for e in _entries(console) if e["action"] == "create" and e["entity"] == "variant"])
        == 4
    )


def test_a_form_saved_over_a_newer_version_is_refused(app: Flask) -> None:
    console = signed_in_console(app)
    category_id, pid = _build_catalog(console)
    opened = _product(console, pid)["version"]
    other_admin = signed_in_console(app, "other@example.com")
    form = {"name": "Tee by other", "category_id": str(category_id), "version": str(opened)}
    other_admin.post(f"/admin/products/{pid}", form)
    stale = console.post(f"/admin/products/{pid}", {**form, "name": "Tee by me"})
    page = console.client.get(stale.headers["Location"]).text
    assert "changed by someone else" in page
    assert _product(console, pid)["name"] == "Tee by other"


def test_a_category_renamed_or_deleted_over_a_newer_version_is_refused(app: Flask) -> None:
    console = signed_in_console(app)
    console.post("/admin/categories", {"name": "Shirts"})
    page = console.get("/admin/categories").text
    category = console.client.get("/api/v1/categories").json[0]  # type: ignore[index]
    assert "version" not in category  # the API's shape is unchanged
    cid = category["id"]
    assert page.count('<input type="hidden" name="version" value="1">') == 2  # rename, delete
    other_admin = signed_in_console(app, "other@example.com")
    other_admin.post(f"/admin/categories/{cid}", {"name": "Tees", "version": "1"})
    audited = len(_entries(console))

    stale = console.post(f"/admin/categories/{cid}", {"name": "Tops", "version": "1"})
    assert stale.status_code == 302
    shown = console.client.get(stale.headers["Location"]).text
    assert "Category &#39;Tees&#39; was changed by someone else" in shown
    assert "(your version 1, now 2)" in shown
    deleted = console.post(f"/admin/categories/{cid}/delete", {"version": "1"})
    assert "changed by someone else" in console.client.get(deleted.headers["Location"]).text
    assert console.client.get("/api/v1/categories").json == [  # nothing changed
        {"id": cid, "name": "Tees", "slug": "shirts"}
    ]
    assert len(_entries(console)) == audited

    console.post(f"/admin/categories/{cid}", {"name": "Tops", "version": "2"})
    assert console.client.get("/api/v1/categories").json[0]["name"] == "Tops"  # type: ignore[index]


def test_bulk_actions_report_a_result_per_product(app: Flask) -> None:
    console = signed_in_console(app)
    _, pid = _build_catalog(console)
    response = console.post(
        "/admin/products/bulk", {"action": "deactivate", "ids": [str(pid), "999999"]}
    )
    assert response.status_code == 200
    assert "Tee: done." in response.text
    assert "No product with id 999999." in response.text
    assert console.client.get(f"/api/v1/products/{pid}").status_code == 404  # hidden now
    deactivated = [e for e in _entries(console) if e["action"] == "deactivate"]
    assert deactivated[0]["changes"] == {"is_active": [True, False]}


def test_every_console_change_is_audited_as_the_console(app: Flask) -> None:
    console = signed_in_console(app)
    category_id, pid = _build_catalog(console)
    console.post(f"/admin/categories/{category_id}", {"name": "Tees"})
    console.post("/admin/categories", {"name": "Spare"})
    spare = next(c for c in console.client.get("/api/v1/categories").json if c["name"] == "Spare")  # type: ignore[union-attr]
    console.post(f"/admin/categories/{spare['id']}/delete")
    variant = console.post(
        f"/admin/products/{pid}/matrix",
        {**_axes(console), "sku_prefix": "T", "price": "9.99", "stock": "2"},
    )
    assert variant.status_code == 302
    vid = _product(console, pid)["variants"][0]["id"]
    console.post(f"/admin/variants/{vid}", {"sku": "T-NEW", "price": "8.00", "is_active": "on"})
    console.post(f"/admin/variants/{vid}/stock", {"delta": "-1", "reason": "sample"})
    make_customer(console.adapters, "fan@example.com")
    customers = console.get("/admin/customers", query_string={"q": "fan@"}).text
    assert "fan@example.com" in customers
    assert "boss@example.com" not in customers.split("<tbody>")[1]

    entries = _entries(console)
    assert {e["source"] for e in entries} == {"console"}
    assert {e["actor_email"] for e in entries} == {"boss@example.com"}
    kinds = {(e["action"], e["entity"]) for e in entries}
    assert kinds >= {
        ("create", "category"),
        ("update", "category"),
        ("delete", "category"),
        ("create", "attribute"),
        ("update", "attribute"),
        ("create", "product"),
        ("create", "variant"),
        ("update", "variant"),
        ("stock", "variant"),
    }
    variant_update = next(
        e for e in entries if e["action"] == "update" and e["entity"] == "variant"
    )
    assert variant_update["changes"] == {"sku": ["T-RED-S", "T-NEW"], "price": ["9.99", "8.00"]}


def test_promoting_demoting_and_the_last_admin_guard(app: Flask) -> None:
    console = signed_in_console(app)
    make_customer(console.adapters, "fan@example.com")
    with console.adapters.accounts.uow() as uow:
        fan_id = uow.users.get_by_email("fan@example.com").id  # type: ignore[union-attr]
        boss_id = uow.users.get_by_email("boss@example.com").id  # type: ignore[union-attr]
    console.post(f"/admin/customers/{fan_id}/role", {"role": "admin"})
    console.post(f"/admin/customers/{fan_id}/role", {"role": "customer"})
    refused = console.post(f"/admin/customers/{boss_id}/role", {"role": "customer"})
    assert "last admin" in console.client.get(refused.headers["Location"]).text
    assert console.get("/admin").status_code == 200  # still an admin
    roles = [e["changes"]["role"] for e in _entries(console) if e["entity"] == "user"]
    assert roles == [["customer", "admin"], ["admin", "customer"]]
