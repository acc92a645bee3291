"""The console's list pages cost a fixed number of SQL statements, whatever the page size."""

from __future__ import annotations

from flask import Flask

from shop.adapters.sql.demo_seed import seed_demo
from tests.integration.apps import AppFactory
from tests.integration.console_support import Console, signed_in_console
from tests.integration.statement_count import statements

PATHS = ("/admin/products", "/admin/audit", "/admin/customers", "/admin")
# The session's account, then the page's reads (a count and a page per list).
MOST_STATEMENTS = 6


def _costs(app: Flask, console: Console) -> dict[str, int]:
    costs = {}
    for path in PATHS:
        with statements(app.extensions["shop"].engine) as sent:
            assert console.get(path).status_code == 200
        costs[path] = len(sent)
    return costs


def test_the_console_lists_cost_the_same_with_more_rows(make_app: AppFactory, backend: str) -> None:
    app = make_app(backend, cache_enabled=False)
    adapters = app.extensions["shop"]
    console = signed_in_console(app, "counter@example.com")
    seed_demo(adapters.engine, adapters.catalog.version, 3, 2)
    few = _costs(app, console)
    seed_demo(adapters.engine, adapters.catalog.version, 60, 3)
    many = _costs(app, console)
    assert few == many
    assert max(many.values()) <= MOST_STATEMENTS, many
