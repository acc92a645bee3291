"""POST/GET /api/v1/variants/{id}/stock-adjustments and GET /api/v1/admin/audit, on both
backends."""

from __future__ import annotations

from typing import Any

from tests.integration.apps import Api
from tests.integration.factories import make_variant


def _audit(api: Api, headers: dict[str, str], **filters: Any) -> list[dict[str, Any]]:
    response = api.client.get("/api/v1/admin/audit", query_string=filters, headers=headers)
    assert response.status_code == 200, response.json
    return list(response.json or [])


def test_an_adjustment_changes_stock_relatively_and_enters_the_ledger(api: Api) -> None:
    admin = api.admin_headers()
    variant_id = make_variant(api.adapters, stock=5)
    url = f"/api/v1/variants/{variant_id}/stock-adjustments"
    added = api.client.post(url, json={"delta": 7, "reason": "delivery 42"}, headers=admin)
    removed = api.client.post(url, json={"delta": -2, "reason": "damaged"}, headers=admin)
    assert added.status_code == 201
    assert removed.status_code == 201
    assert added.json["stock_after"] == 12
    assert removed.json["stock_after"] == 10
    assert removed.json["actor_id"] is not None  # type: ignore[index]
    ledger = api.client.get(url, headers=admin)
    assert [row["reason"] for row in ledger.json] == ["damaged", "delivery 42"]  # type: ignore[union-attr]
    assert "X-Pagination" in ledger.headers
    variant = api.client.get(f"/api/v1/variants/{variant_id}", headers=admin).json
    assert variant["stock"] == 10  # type: ignore[index]


def test_an_adjustment_below_zero_is_409_with_what_is_available(api: Api) -> None:
    admin = api.admin_headers()
    variant_id = make_variant(api.adapters, stock=3)
    url = f"/api/v1/variants/{variant_id}/stock-adjustments"
    response = api.client.post(url, json={"delta": -4, "reason": "count"}, headers=admin)
    assert response.status_code == 409
    assert response.json["available"] == 3  # type: ignore[index]
    assert api.client.get(url, headers=admin).json == []


def test_an_adjustment_past_the_largest_stock_is_409(api: Api) -> None:
    admin = api.admin_headers()
    variant_id = make_variant(api.adapters, stock=3)
    url = f"/api/v1/variants/{variant_id}/stock-adjustments"
    response = api.client.post(url, json={"delta": 2**31 - 1, "reason": "typo"}, headers=admin)
    assert response.status_code == 409
    assert response.json["available"] == 3  # type: ignore[index]


def test_adjustments_are_validated_and_for_admins_only(api: Api) -> None:
    admin = api.admin_headers()
    variant_id = make_variant(api.adapters)
    url = f"/api/v1/variants/{variant_id}/stock-adjustments"
    for body in (
        {"delta": 0, "reason": "x"},
        {"delta": 1, "reason": ""},
        {"delta": 1, "reason": "x" * 201},
        {"delta": "1", "reason": "x"},
        {"delta": 2**40, "reason": "x"},
        {"delta": 1},
    ):
        assert api.client.post(url, json=body, headers=admin).status_code == 422, body
    body = {"delta": 1, "reason": "x"}
    assert api.client.post(url, json=body).status_code == 401
    assert api.client.post(url, json=body, headers=api.customer_headers()).status_code == 403
    missing = "/api/v1/variants/999999/stock-adjustments"
    assert api.client.post(missing, json=body, headers=admin).status_code == 404
    assert api.client.get(missing, headers=admin).status_code == 404


def test_every_api_change_is_audited_with_before_and_after(api: Api) -> None:
    admin = api.admin_headers()
    category = api.client.post("/api/v1/categories", json={"name": "Shoes"}, headers=admin).json
    product = api.client.post(
        "/api/v1/products",
        json={"name": "Runner", "category_id": category["id"]},  # type: ignore[index]
        headers=admin,
    ).json
    pid = product["id"]  # type: ignore[index]
    api.client.patch(f"/api/v1/products/{pid}", json={"name": "Runner 2"}, headers=admin)
    attribute = api.client.post("/api/v1/attributes", json={"name": "Size"}, headers=admin).json
    aid = attribute["id"]  # type: ignore[index]
    api.client.post(f"/api/v1/attributes/{aid}/values", json={"value": "42"}, headers=admin)
    variant = api.client.post(
        f"/api/v1/products/{pid}/variants",
        json={"sku": "RUN-42", "price": "80.00", "stock": 2, "attributes": {"Size": "42"}},
        headers=admin,
    ).json
    vid = variant["id"]  # type: ignore[index]
    api.client.patch(f"/api/v1/variants/{vid}", json={"price": "75.50"}, headers=admin)
    api.client.post(
        f"/api/v1/variants/{vid}/stock-adjustments", json={"delta": 3, "reason": "x"}, headers=admin
    )
    api.client.delete(f"/api/v1/products/{pid}", headers=admin)

    entries = _audit(api, admin)
    assert {e["source"] for e in entries} == {"api"}
    assert all(e["actor_email"].startswith("admin") for e in entries)
    kinds = [(e["action"], e["entity"]) for e in reversed(entries)]
    assert kinds == [
        ("create", "category"),
        ("create", "product"),
        ("update", "product"),
        ("create", "attribute"),
        ("update", "attribute"),
        ("create", "variant"),
        ("update", "variant"),
        ("stock", "variant"),
        ("delete", "product"),
    ]
    by_kind = {(e["action"], e["entity"]): e for e in entries}
    assert by_kind[("update", "product")]["changes"] == {"name": ["Runner", "Runner 2"]}
    assert by_kind[("update", "variant")]["changes"] == {"price": ["80.00", "75.50"]}
    assert by_kind[("stock", "variant")]["changes"]["stock"] == [2, 5]
    assert by_kind[("update", "attribute")]["changes"] == {"values": [[], ["42"]]}
    assert by_kind[("create", "variant")]["changes"]["attributes"] == [None, {"Size": "42"}]

    only_variant = _audit(api, admin, entity="variant", entity_id=str(vid))
    assert {e["entity_id"] for e in only_variant} == {str(vid)}
    assert len(only_variant) == 3
    assert _audit(api, admin, since="2999-01-01T00:00:00+00:00") == []


def test_the_audit_log_is_for_admins_and_validates_its_filters(api: Api) -> None:
    assert api.client.get("/api/v1/admin/audit").status_code == 401
    customer = api.customer_headers()
    assert api.client.get("/api/v1/admin/audit", headers=customer).status_code == 403
    admin = api.admin_headers()
    for bad in (
        {"entity": "spaceship"},
        {"since": "yesterday"},
        {"since": "2026-01-01T00:00"},
        {"entity_id": "2\x00"},  # PostgreSQL refuses NUL: a 422, not a driver error's 500
    ):
        response = api.client.get("/api/v1/admin/audit", query_string=bad, headers=admin)
        assert response.status_code == 422, bad


def test_a_stock_beyond_the_column_range_is_refused_not_an_overflow(api: Api) -> None:
    admin = api.admin_headers()
    variant_id = make_variant(api.adapters, stock=5)
    response = api.client.post(
        f"/api/v1/variants/{variant_id}/stock-adjustments",
        json={"delta": 2**31 - 1, "reason": "typo"},
        headers=admin,
    )
    assert response.status_code == 409
    assert response.json["available"] == 5  # type: ignore[index]
