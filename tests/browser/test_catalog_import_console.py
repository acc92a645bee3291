"""Catalog CSV and keyboard use of the console in a real browser: on the embedded default, and
on PostgreSQL + Redis behind gunicorn with a `shop worker` running the imports."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from shop.services.accounts.registration import ensure_admin
from tests.browser import console_flow, import_flow
from tests.integration.apps import PASSWORD, AppFactory, fresh_server_env
from tests.integration.gunicorn import run_gunicorn
from tests.integration.live_server import serve_in_thread

ADMIN = "console-admin@example.com"


def _walk_through(page: Page, base_url: str) -> None:
    console_flow.sign_in(page, base_url, ADMIN)
    import_flow.read_the_error_report(page, base_url)
    import_flow.dry_run_then_apply(page, base_url)
    import_flow.export_the_filtered_list(page, base_url)
    import_flow.keyboard_only(page, base_url)


def test_imports_and_the_keyboard_on_the_embedded_default(page: Page, make_app: AppFactory) -> None:
    app = make_app("embedded")
    a = app.extensions["shop"]
    ensure_admin(a.accounts.uow, a.accounts.hasher, a.clock, ADMIN, PASSWORD)
    with serve_in_thread(app) as base_url:
        _walk_through(page, base_url)


@pytest.mark.usefixtures("rq_worker")
def test_imports_on_postgres_and_redis_with_a_worker(
    page: Page, migrated_postgres_url: str, redis_url: str
) -> None:
    env = fresh_server_env(
        migrated_postgres_url, redis_url, SHOP_ADMIN_EMAIL=ADMIN, SHOP_ADMIN_PASSWORD=PASSWORD
    )
    with run_gunicorn(env, workers=2, threads=4) as base_url:
        _walk_through(page, base_url)
