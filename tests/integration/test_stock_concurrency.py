"""Stock adjustments racing each other and checkouts, on PostgreSQL: the stock ends at the
exact sum of what was applied, and never below zero."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from flask import Flask

from shop.domain.audit import Actor, Source
from shop.domain.errors import Conflict
from shop.services.catalog.stock import adjust_stock
from tests.integration.apps import AppFactory
from tests.integration.checkout_support import BODY, guest_cart
from tests.integration.factories import make_variant

ADMIN = Actor(user_id=None, email="ops@example.com", source=Source.API)


def _run_at_once(jobs: list[Callable[[], None]]) -> None:
    start = threading.Barrier(len(jobs))

    def run(job: Callable[[], None]) -> None:
        start.wait()
        job()

    with ThreadPoolExecutor(len(jobs)) as pool:
        list(pool.map(run, jobs))


def _stock(app: Flask, variant_id: int) -> int:
    return int(app.extensions["shop"].catalog.queries.variant(variant_id, True)["stock"])


def test_concurrent_adjustments_add_up_exactly_and_never_go_below_zero(
    make_app: AppFactory,
) -> None:
    app = make_app("postgres")
    a = app.extensions["shop"]
    variant_id = make_variant(a, stock=10)
    deltas = [+3, -2, -5, +1, -4, +2, -3, -1] * 4
    refused: list[int] = []

    def adjuster(delta: int) -> Callable[[], None]:
        def adjust() -> None:
            try:
                adjust_stock(a.catalog.uow, a.clock, variant_id, delta, "count", actor=ADMIN)
            except Conflict:
                refused.append(delta)

        return adjust

    _run_at_once([adjuster(delta) for delta in deltas])
    rows, total = a.catalog.queries.stock_adjustments(variant_id, 1, 100)
    assert total == len(deltas) - len(refused)
    assert _stock(app, variant_id) == 10 + sum(row["delta"] for row in rows)
    assert _stock(app, variant_id) == 10 + sum(deltas) - sum(refused)
    assert all(row["stock_after"] >= 0 for row in rows)
    assert all(delta < 0 for delta in refused)


def test_adjustments_and_checkouts_racing_end_at_the_exact_sum(make_app: AppFactory) -> None:
    app = make_app("postgres")
    a = app.extensions["shop"]
    variant_id = make_variant(a, stock=20)
    carts = [guest_cart(app.test_client(), {variant_id: 2}) for _ in range(12)]
    deltas = [+4, -3, +2, -5, +1, -2] * 2
    sold: list[int] = []
    applied: list[int] = []

    def checkout(token: str) -> Callable[[], None]:
        def buy() -> None:
            response = app.test_client().post(
                "/api/v1/checkout", json=BODY, headers={"X-Cart-Token": token}
            )
            assert response.status_code in (201, 409), response.json
            if response.status_code == 201:
                sold.append(2)

        return buy

    def adjuster(delta: int) -> Callable[[], None]:
        def adjust() -> None:
            try:
                adjust_stock(a.catalog.uow, a.clock, variant_id, delta, "recount", actor=ADMIN)
                applied.append(delta)
            except Conflict:
                pass

        return adjust

    _run_at_once([checkout(token) for token in carts] + [adjuster(d) for d in deltas])
    assert sold, "some checkouts went through"
    assert _stock(app, variant_id) == 20 + sum(applied) - sum(sold)
    assert _stock(app, variant_id) >= 0
