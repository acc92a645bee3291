"""The audit trail and the stock ledger on the unit of work's session."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from shop.adapters.sql import tables as orm
from shop.domain.audit import Actor, AuditEntry, Change, entry_fields
from shop.domain.catalog.stock import StockAdjustment
from shop.domain.limits import MAX_INTEGER


class SqlAuditTrail:
    def __init__(self, session: Session) -> None:
        self.session = session

    def record(self, entry: AuditEntry) -> None:
        self.session.add(entry)

    def record_many(self, actor: Actor, at: datetime, changes: Sequence[Change]) -> None:
        """One multi-row INSERT, without the ORM's per-object bookkeeping."""
        if changes:
            rows = [entry_fields(actor, at, change) for change in changes]
            self.session.execute(insert(orm.audit_log), rows)


class SqlStockLedger:
    def __init__(self, session: Session) -> None:
        self.session = session

    def apply_delta(self, variant_id: int, delta: int) -> int | None:
        v = orm.variants
        # Bounds compared without adding first: stock + delta could overflow the column type.
        fits = v.c.stock <= MAX_INTEGER - delta if delta > 0 else v.c.stock >= -delta
        statement = (
            update(v)
            .where(v.c.id == variant_id, fits)
            .values(stock=v.c.stock + delta)
            .returning(v.c.stock)
        )
        stock: int | None = self.session.execute(statement).scalar()
        return stock

    def stock_of(self, variant_id: int) -> int | None:
        stock: int | None = self.session.scalar(
            select(orm.variants.c.stock).where(orm.variants.c.id == variant_id)
        )
        return stock

    def add(self, adjustment: StockAdjustment) -> None:
        self.session.add(adjustment)
