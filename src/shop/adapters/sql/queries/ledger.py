"""A variant's stock ledger: a count and a page, newest first."""

from __future__ import annotations

from sqlalchemy import func, select

from shop.adapters.sql import tables
from shop.adapters.sql.engine import connect
from shop.adapters.sql.queries.reads import SqlReads, offset
from shop.services.common import Page

s = tables.stock_adjustments


class StockLedgerReads(SqlReads):
    def stock_adjustments(self, variant_id: int, page: int, page_size: int) -> Page:
        query = (
            select(
                s.c.id,
                s.c.variant_id,
                s.c.delta,
                s.c.reason,
                s.c.stock_after,
                s.c.actor_id,
                s.c.created_at,
            )
            .where(s.c.variant_id == variant_id)
            .order_by(s.c.id.desc())
            .limit(page_size)
            .offset(offset(page, page_size))
        )
        count = select(func.count()).select_from(s).where(s.c.variant_id == variant_id)
        with connect(self.engine) as connection:
            total = int(connection.scalar(count) or 0)
            if total <= offset(page, page_size):
                return [], total
            return [dict(row) for row in connection.execute(query).mappings()], total
