"""Verified purchases, from the order tables: an order in status paid, shipped or delivered
holding a variant of the product. One statement per call, whatever the number of users.

Order lines keep the product of their variant (order_lines.product_id), so a purchase stays
verified even if the variant is later removed.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, Engine, exists, select

from shop.adapters.sql.engine import connect
from shop.adapters.sql.order_tables import order_lines, orders
from shop.domain.reviews.reviews import PURCHASE_STATUSES


def bought(user_id: Any, product_id: int) -> ColumnElement[bool]:
    """`user_id` (a value or a column) has a paid, shipped or delivered order of the product."""
    return exists().where(
        orders.c.user_id == user_id,
        orders.c.status.in_(PURCHASE_STATUSES),
        order_lines.c.order_id == orders.c.id,
        order_lines.c.product_id == product_id,
    )


class SqlPurchaseRecords:
    """The PurchaseRecords port on the order tables."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def verified_buyers(self, product_id: int, user_ids: Collection[int]) -> set[int]:
        if not user_ids:
            return set()
        query = (
            select(orders.c.user_id)
            .distinct()
            .select_from(orders)
            .join(order_lines, order_lines.c.order_id == orders.c.id)
            .where(
                orders.c.user_id.in_(sorted(user_ids)),
                orders.c.status.in_(PURCHASE_STATUSES),
                order_lines.c.product_id == product_id,
            )
        )
        with connect(self.engine) as connection:
            return {int(user_id) for user_id in connection.scalars(query)}
