"""The console in a real browser: on the embedded default (served in-process) and on
PostgreSQL + Redis behind two gunicorn processes."""

from __future__ import annotations

from playwright.sync_api import Page

from shop.services.accounts.registration import ensure_admin
from tests.browser import console_flow as flow
from tests.integration.apps import PASSWORD, AppFactory, fresh_server_env
from tests.integration.gunicorn import run_gunicorn
from tests.integration.live_server import serve_in_thread

ADMIN = "console-admin@example.com"


def _walk_through(page: Page, base_url: str) -> None:
    flow.sign_in(page, base_url, ADMIN)
    flow.build_taxonomy(page, base_url)
    product_id = flow.create_product_with_matrix(page, base_url)
    flow.public_api_shows(base_url, product_id)
    flow.search_products(page, base_url)
    flow.adjust_stock(page, base_url, product_id)
    flow.move_order(page, base_url, flow.place_paid_order(base_url, product_id))
    flow.read_audit_log(page, base_url)
    flow.find_customer(page, base_url, ADMIN)
    flow.sign_out(page, base_url)


def test_the_console_on_the_embedded_default(page: Page, make_app: AppFactory) -> None:
    app = make_app("embedded")
    a = app.extensions["shop"]
    ensure_admin(a.accounts.uow, a.accounts.hasher, a.clock, ADMIN, PASSWORD)
    with serve_in_thread(app) as base_url:
        _walk_through(page, base_url)


def test_the_console_on_postgres_and_redis_with_two_processes(
    page: Page, migrated_postgres_url: str, redis_url: str
) -> None:
    env = fresh_server_env(
        migrated_postgres_url,
        redis_url,
        SHOP_ADMIN_EMAIL=ADMIN,
        SHOP_ADMIN_PASSWORD=PASSWORD,
    )
    with run_gunicorn(env, workers=2, threads=4) as base_url:
        _walk_through(page, base_url)
