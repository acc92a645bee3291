"""Concurrent stock adjustments on PostgreSQL end at the exact sum, never below zero."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from flask import Flask

from shop.domain.audit import Actor, Source
from shop.domain.errors import Conflict
from shop.services.catalog.stock import adjust_stock
from tests.integration.apps import AppFactory
from tests.integration.factories import make_variant

ADMIN = Actor(user_id=None, email="ops@example.com", source=Source.API)


def test_concurrent_adjustments_add_up_exactly_and_never_go_below_zero(
    make_app: AppFactory,
) -> None:
    app: Flask = make_app("postgres")
    a = app.extensions["shop"]
    variant_id = make_variant(a, stock=10)
    deltas = [+3, -2, -5, +1, -4, +2, -3, -1] * 4
    start = threading.Barrier(len(deltas))
    refused: list[int] = []

    def adjust(delta: int) -> None:
        start.wait()
        try:
            adjust_stock(a.catalog.uow, a.clock, variant_id, delta, "count", actor=ADMIN)
        except Conflict:
            refused.append(delta)

    with ThreadPoolExecutor(len(deltas)) as pool:
        list(pool.map(adjust, deltas))
    rows, total = a.catalog.queries.stock_adjustments(variant_id, 1, 100)
    stock = a.catalog.queries.variant(variant_id, True)["stock"]
    assert total == len(deltas) - len(refused)
    assert stock == 10 + sum(row["delta"] for row in rows)
    assert stock == 10 + sum(deltas) - sum(refused)
    assert all(row["stock_after"] >= 0 for row in rows)
    assert all(delta < 0 for delta in refused)
