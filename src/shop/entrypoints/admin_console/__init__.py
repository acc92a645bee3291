"""The admin console: server-rendered pages (Jinja2, htmx) under /admin, calling the same use
cases as the API, for signed-in admins only."""

from __future__ import annotations

from flask import Flask

from shop.entrypoints.admin_console.blueprint import console
from shop.entrypoints.admin_console.session import configure_sessions
from shop.entrypoints.admin_console.views import (  # noqa: F401 - they register their routes
    audit,
    auth,
    catalog_csv,
    dashboard,
    orders,
    people,
    products,
    search,
    taxonomy,
    variants,
)


def init_admin_console(app: Flask) -> None:
    configure_sessions(app)
    app.register_blueprint(console)
