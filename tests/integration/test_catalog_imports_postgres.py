"""Catalog imports at size on PostgreSQL + Redis with a real `shop worker`: 10,000 rows,
all or nothing, stock moved by others during an apply, and an export that streams."""

from __future__ import annotations

import threading
import time
import tracemalloc

import pytest
from sqlalchemy import func, select

from shop.adapters.sql import tables
from shop.domain.audit import Actor, Source
from shop.services.catalog.stock import adjust_stock
from tests.integration.apps import Api, AppFactory
from tests.integration.checkout_support import BODY, guest_cart
from tests.integration.imports_support import (
    apply,
    catalog_csv,
    report,
    upload,
    wait_finished,
)

pytestmark = pytest.mark.usefixtures("rq_worker")
OPS = Actor(user_id=None, email="ops@example.com", source=Source.API)


def postgres_api(make_app: AppFactory) -> Api:
    app = make_app("postgres")
    return Api(client=app.test_client(), app=app)


def count(api: Api, table: object) -> int:
    with api.adapters.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(table)) or 0)  # type: ignore[arg-type]


def test_ten_thousand_rows_dry_run_then_apply(make_app: AppFactory) -> None:
    api = postgres_api(make_app)
    admin = api.admin_headers()
    import_id = upload(api, admin, catalog_csv(2500, 4))
    seen_running = False
    while (current := report(api, admin, import_id))["state"] in ("queued", "running"):
        seen_running |= current["state"] == "running" and current["rows_done"] < 10_000
        time.sleep(0.02)
    assert current["counts"]["create"] == 10_000, current["errors"][:3]
    assert seen_running  # progress was visible while it ran
    assert count(api, tables.variants) == 0
    applied = apply(api, admin, import_id)
    assert applied["state"] == "done"
    assert count(api, tables.variants) == 10_000
    assert count(api, tables.products) == 2500
    again = wait_finished(api, admin, upload(api, admin, catalog_csv(2500, 4)))
    assert again["counts"]["unchanged"] == 10_000


def test_an_apply_that_fails_half_way_changes_nothing(make_app: AppFactory) -> None:
    api = postgres_api(make_app)
    admin = api.admin_headers()
    text = catalog_csv(1000, 2)
    import_id = upload(api, admin, text)
    assert wait_finished(api, admin, import_id)["state"] == "done"
    # Meanwhile someone else gives a late row's SKU to another product.
    late = "late,Late,misc,,,true,SKU-900-1,1.00,1,true,Red,S0\n"
    other = upload(api, admin, catalog_csv(0, 0) + late)
    assert apply(api, admin, other)["state"] == "done"
    before = (count(api, tables.products), count(api, tables.audit_log))
    failed = apply_failing(api, admin, import_id)
    assert failed["state"] == "failed"
    assert failed["errors"] == [
        {"row": 1803, "field": "sku", "message": "'SKU-900-1' belongs to product 'late'"}
    ]
    assert (count(api, tables.products), count(api, tables.audit_log)) == before


def apply_failing(api: Api, admin: dict[str, str], import_id: int) -> dict[str, object]:
    response = api.client.post(f"/api/v1/admin/catalog/imports/{import_id}/apply", headers=admin)
    assert response.status_code == 202
    return wait_finished(api, admin, import_id)


def test_stock_moved_by_others_during_an_apply_is_never_lost(make_app: AppFactory) -> None:
    api = postgres_api(make_app)
    admin = api.admin_headers()
    apply(api, admin, upload(api, admin, catalog_csv(1500, 4)))
    a = api.adapters
    with a.engine.connect() as connection:
        variant_id, stock = connection.execute(
            select(tables.variants.c.id, tables.variants.c.stock).where(
                tables.variants.c.sku == "SKU-1499-3"
            )
        ).one()
    # The file raises that variant's stock by 100 (more stock arrives and
    # sells meanwhile) and changes every price.
    text = catalog_csv(1500, 4, price="21.00").replace(
        f"SKU-1499-3,21.00,{stock},", f"SKU-1499-3,21.00,{stock + 100},"
    )
    import_id = upload(api, admin, text)
    assert wait_finished(api, admin, import_id)["counts"]["update"] == 6000
    adjust_stock(a.catalog.uow, a.clock, variant_id, 50, "delivery", actor=OPS)
    stop = threading.Event()
    sold: list[int] = []

    def sell() -> None:
        while not stop.is_set() and len(sold) < 20:
            adjust_stock(a.catalog.uow, a.clock, variant_id, -1, "sold", actor=OPS)
            sold.append(1)

    response = api.client.post(f"/api/v1/admin/catalog/imports/{import_id}/apply", headers=admin)
    assert response.status_code == 202
    seller = threading.Thread(target=sell)
    seller.start()
    applied = wait_finished(api, admin, import_id)
    stop.set()
    seller.join()
    assert applied["state"] == "done", applied
    final = a.catalog.queries.variant(variant_id, True)
    assert final is not None
    assert final["stock"] == stock + 50 + 100 - len(sold)
    ledger, _ = a.catalog.queries.stock_adjustments(variant_id, 1, 100)
    assert f"import {import_id}" in {entry["reason"] for entry in ledger}


def streamed_export(api: Api, admin: dict[str, str], query: str = "") -> tuple[int, int]:
    """(lines, peak bytes allocated while the request ran and its body streamed)."""
    tracemalloc.start()
    response = api.client.get(f"/api/v1/admin/catalog/export{query}", headers=admin, buffered=False)
    assert response.status_code == 200
    chunks = iter(response.response)
    first = next(chunks)
    assert first.startswith(b"product_slug,")
    lines = first.count(b"\n") + sum(chunk.count(b"\n") for chunk in chunks)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    response.close()
    return lines, peak


def test_the_export_streams_in_constant_memory(make_app: AppFactory) -> None:
    api = postgres_api(make_app)
    admin = api.admin_headers()
    apply(api, admin, upload(api, admin, catalog_csv(2500, 4)))
    lines_all, peak_all = streamed_export(api, admin)
    lines_one, peak_one = streamed_export(api, admin, "?category=cat-0")
    assert (lines_all, lines_one) == (10_001, 1 + 313 * 4)
    # Eight times the rows, about the same memory: rows are read a slice at a time.
    assert peak_all < 2 * peak_one, (peak_all, peak_one)


def test_checkouts_during_an_apply_never_lose_a_stock_decrement(make_app: AppFactory) -> None:
    api = postgres_api(make_app)
    admin = api.admin_headers()
    apply(api, admin, upload(api, admin, catalog_csv(1500, 4)))
    a = api.adapters
    with a.engine.connect() as connection:
        variant_id, stock = connection.execute(
            select(tables.variants.c.id, tables.variants.c.stock).where(
                tables.variants.c.sku == "SKU-1499-3"
            )
        ).one()
    text = catalog_csv(1500, 4, price="22.00").replace(
        f"SKU-1499-3,22.00,{stock},", f"SKU-1499-3,22.00,{stock + 100},"
    )
    import_id = upload(api, admin, text)
    assert wait_finished(api, admin, import_id)["counts"]["update"] == 6000
    # A delivery between the dry run and the apply, and sales while the apply runs, are kept.
    adjust_stock(a.catalog.uow, a.clock, variant_id, 40, "delivery", actor=OPS)
    carts = [guest_cart(api.client, {variant_id: 1}) for _ in range(12)]
    ordered: list[int] = []

    def buy() -> None:
        for token in carts:
            response = api.client.post(
                "/api/v1/checkout", json=BODY, headers={"X-Cart-Token": token}
            )
            assert response.status_code == 201, response.json
            ordered.append(1)

    response = api.client.post(f"/api/v1/admin/catalog/imports/{import_id}/apply", headers=admin)
    assert response.status_code == 202
    buyer = threading.Thread(target=buy)
    buyer.start()
    applied = wait_finished(api, admin, import_id)
    buyer.join()
    assert applied["state"] == "done", applied
    assert len(ordered) == 12
    final = a.catalog.queries.variant(variant_id, True)
    assert final is not None
    assert final["stock"] == stock + 40 + 100 - 12
