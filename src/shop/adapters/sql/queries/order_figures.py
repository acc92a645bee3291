"""The dashboard's order figures in one statement (conditional aggregates)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Engine, func, select

from shop.adapters.sql.engine import connect
from shop.adapters.sql.order_tables import orders
from shop.domain.orders.status import OrderStatus
from shop.services.orders.ports import OrderFigures

PAID = (str(OrderStatus.PAID), str(OrderStatus.SHIPPED), str(OrderStatus.DELIVERED))


class SqlOrderFigures:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def figures(self, day_start: datetime, week_start: datetime) -> OrderFigures:
        today = orders.c.created_at >= day_start
        paid = orders.c.status.in_(PAID)
        zero = Decimal("0.00")
        query = select(
            func.count().filter(today).label("orders_today"),
            func.count().label("orders_week"),
            func.coalesce(func.sum(orders.c.total).filter(today, paid), zero).label(
                "revenue_today"
            ),
            func.coalesce(func.sum(orders.c.total).filter(paid), zero).label("revenue_week"),
        ).where(orders.c.created_at >= min(day_start, week_start))
        awaiting = select(func.count()).where(orders.c.status == str(OrderStatus.PAID))
        with connect(self.engine) as connection:
            row = connection.execute(query).one()
            waiting = int(connection.scalar(awaiting) or 0)
        return OrderFigures(
            orders_today=int(row.orders_today),
            orders_week=int(row.orders_week),
            revenue_today=Decimal(row.revenue_today).quantize(zero),
            revenue_week=Decimal(row.revenue_week).quantize(zero),
            awaiting_fulfilment=waiting,
        )
