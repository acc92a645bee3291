"""The dashboard: today's orders and revenue, low stock, recent admin activity."""

from __future__ import annotations

from typing import Any

from flask import render_template

from shop.entrypoints.admin_console.blueprint import console
from shop.entrypoints.web.context import adapters
from shop.services.audit import log
from shop.services.audit.ports import AuditFilter
from shop.services.catalog import overview
from shop.services.orders import figures

RECENT = 10


@console.route("")
def dashboard() -> Any:
    a = adapters()
    activity, _ = log.list_entries(a.audit, AuditFilter(), 1, RECENT)
    return render_template(
        "admin/dashboard.html",
        low_stock=overview.low_stock(a.catalog.overview, RECENT),
        activity=activity,
        figures=figures.dashboard_figures(a.order_figures, a.clock),
        currency=a.settings.currency,
    )
