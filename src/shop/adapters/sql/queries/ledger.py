"""A variant's stock ledger: a count and a page, newest first."""

from __future__ import annotations

from sqlalchemy import select

from shop.adapters.sql import tables
from shop.adapters.sql.queries.reads import SqlReads, counted_page
from shop.services.common import Page

s = tables.stock_adjustments


class StockLedgerReads(SqlReads):
    def stock_adjustments(self, variant_id: int, page: int, page_size: int) -> Page:
        query = select(
            s.c.id,
            s.c.variant_id,
            s.c.delta,
            s.c.reason,
            s.c.stock_after,
            s.c.actor_id,
            s.c.created_at,
        ).where(s.c.variant_id == variant_id)
        rows, total = counted_page(self.engine, query, [s.c.id.desc()], page, page_size)
        return [dict(row._mapping) for row in rows], total
