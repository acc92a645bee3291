"""The dashboard's order figures: today (since midnight UTC) and over the last 7 days."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from shop.services.common import Clock
from shop.services.orders.ports import OrderFigureQueries, OrderFigures

WEEK = timedelta(days=7)


def dashboard_figures(queries: OrderFigureQueries, clock: Clock) -> OrderFigures:
    now = clock.now()
    midnight = datetime.combine(now.date(), time.min, tzinfo=now.tzinfo)
    return queries.figures(midnight, now - WEEK)
