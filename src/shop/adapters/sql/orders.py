"""Orders and their lines, read and written with Core statements (a fixed few per call)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, insert, select, update
from sqlalchemy.orm import Session

from shop.adapters.sql.order_tables import order_lines, orders
from shop.adapters.sql.payments import payments_of
from shop.domain.orders.model import Address, Buyer, Order, OrderLine
from shop.domain.orders.status import OrderStatus
from shop.domain.payments.model import Payment
from shop.services.orders.ports import OrderFilters

# Built once, the values bound at each call: building an INSERT from a dict of values costs
# more Python than sending it (checkout writes an order on every call).
INSERT_ORDER = insert(orders).returning(orders.c.id)
INSERT_LINES = insert(order_lines)


def _order_row(order: Order) -> dict[str, Any]:
    buyer = order.buyer
    return {
        "user_id": buyer.user_id,
        "status": str(order.status),
        "email": buyer.email,
        "full_name": buyer.full_name,
        "phone": buyer.phone,
        "address": asdict(buyer.address),
        "currency": order.currency,
        "subtotal": order.subtotal,
        "total": order.total,
        "token_hash": order.token_hash,
        "created_at": order.created_at,
        "updated_at": order.updated_at or order.created_at,
        "pay_by": order.pay_by,
    }


def _line_row(order_id: int, line: OrderLine) -> dict[str, Any]:
    return {
        "order_id": order_id,
        "variant_id": line.variant_id,
        "product_id": line.product_id,
        "sku": line.sku,
        "product_name": line.product_name,
        "attributes": [[name, value] for name, value in line.attributes],
        "unit_price": line.unit_price,
        "quantity": line.quantity,
    }


def _order(row: Any, lines: Sequence[Any], payments: Sequence[Payment] = ()) -> Order:
    return Order(
        id=row.id,
        buyer=Buyer(
            email=row.email,
            full_name=row.full_name,
            phone=row.phone,
            address=Address(**row.address),
            user_id=row.user_id,
        ),
        lines=tuple(
            OrderLine(
                variant_id=line.variant_id,
                product_id=line.product_id,
                sku=line.sku,
                product_name=line.product_name,
                attributes=tuple((n, v) for n, v in line.attributes),
                unit_price=line.unit_price,
                quantity=line.quantity,
            )
            for line in lines
        ),
        currency=row.currency,
        status=OrderStatus(row.status),
        created_at=row.created_at,
        updated_at=row.updated_at,
        token_hash=row.token_hash,
        pay_by=row.pay_by,
        payments=tuple(payments),
    )


class SqlOrderRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, order: Order) -> int:
        order_id = self.session.execute(INSERT_ORDER, _order_row(order)).scalar_one()
        self.session.execute(INSERT_LINES, [_line_row(order_id, x) for x in order.lines])
        order.id = order_id
        return int(order_id)

    def get(self, order_id: int, *, for_update: bool = False) -> Order | None:
        query = select(orders).where(orders.c.id == order_id)
        if for_update:
            query = query.with_for_update()
        row = self.session.execute(query).first()
        if row is None:
            return None
        payments = payments_of(self.session, [order_id]).get(order_id, [])
        return _order(row, self._lines([order_id]).get(order_id, []), payments)

    def set_status(
        self, order_id: int, current: OrderStatus, target: OrderStatus, now: datetime
    ) -> bool:
        result = self.session.execute(
            update(orders)
            .where(orders.c.id == order_id, orders.c.status == str(current))
            .values(status=str(target), updated_at=now)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def find(self, filters: OrderFilters, page: int, page_size: int) -> tuple[list[Order], int]:
        query = _filtered(select(orders), filters)
        total = self.session.scalar(_filtered(select(func.count()).select_from(orders), filters))
        rows = self.session.execute(
            query.order_by(orders.c.created_at.desc(), orders.c.id.desc())
            .limit(page_size)
            .offset((page - 1) * page_size)
        ).all()
        ids = [row.id for row in rows]
        lines = self._lines(ids)
        payments = payments_of(self.session, ids)
        found = [_order(row, lines.get(row.id, []), payments.get(row.id, [])) for row in rows]
        return found, int(total or 0)

    def _lines(self, order_ids: Sequence[int]) -> dict[int, list[Any]]:
        if not order_ids:
            return {}
        found: dict[int, list[Any]] = {}
        query = (
            select(order_lines)
            .where(order_lines.c.order_id.in_(order_ids))
            .order_by(order_lines.c.order_id, order_lines.c.id)
        )
        for line in self.session.execute(query):
            found.setdefault(line.order_id, []).append(line)
        return found


def _filtered(query: Select[Any], filters: OrderFilters) -> Select[Any]:
    if filters.user_id is not None:
        query = query.where(orders.c.user_id == filters.user_id)
    if filters.status is not None:
        query = query.where(orders.c.status == str(filters.status))
    if filters.email:
        query = query.where(func.lower(orders.c.email) == filters.email.strip().lower())
    if filters.created_after is not None:
        query = query.where(orders.c.created_at >= filters.created_after)
    if filters.created_before is not None:
        query = query.where(orders.c.created_at < filters.created_before)
    return query
