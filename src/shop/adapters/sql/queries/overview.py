"""The console's admin reads: the product overview, low-stock variants and the customers.
Each is a fixed number of statements whatever the page size."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, false, func, or_, select, true

from shop.adapters.sql import tables
from shop.adapters.sql.engine import connect
from shop.adapters.sql.order_tables import orders
from shop.adapters.sql.queries.order_figures import PAID
from shop.adapters.sql.queries.product_filters import like_pattern, text_match
from shop.adapters.sql.queries.reads import (
    SqlReads,
    category_of,
    counted_page,
    products_with_category,
)
from shop.services.catalog.ports import LOW_STOCK, ProductOverviewFilter, StockLevel
from shop.services.common import Page, Row

p = tables.products
v = tables.variants
u = tables.users


def _active_variant_stock() -> Select[Any]:
    return (
        select(
            v.c.product_id,
            func.count().label("variant_count"),
            func.min(v.c.stock).label("min_stock"),
            func.sum(v.c.stock).label("total_stock"),
        )
        .where(v.c.is_active == true())
        .group_by(v.c.product_id)
    )


class SqlCatalogOverview(SqlReads):
    def product_overview(self, filters: ProductOverviewFilter, page: int, page_size: int) -> Page:
        stock = _active_variant_stock().subquery()
        query = products_with_category(
            p.c.id,
            p.c.name,
            p.c.slug,
            p.c.is_active,
            p.c.price_from,
            p.c.version,
            func.coalesce(stock.c.variant_count, 0).label("variant_count"),
            stock.c.min_stock,
            func.coalesce(stock.c.total_stock, 0).label("total_stock"),
        ).outerjoin(stock, stock.c.product_id == p.c.id)
        for condition in _conditions(filters, stock.c.min_stock):
            query = query.where(condition)
        order = [p.c.created_at.desc(), p.c.id.desc()]
        rows, total = counted_page(self.engine, query, order, page, page_size)
        return [self._row(row) for row in rows], total

    def _row(self, row: Any) -> Row:
        return {
            "id": row.id,
            "name": row.name,
            "slug": row.slug,
            "category": category_of(row),
            "is_active": bool(row.is_active),
            "price_from": row.price_from,
            "currency": self.currency,
            "version": row.version,
            "variant_count": int(row.variant_count),
            "min_stock": row.min_stock,
            "total_stock": int(row.total_stock),
        }

    def low_stock(self, limit: int) -> list[Row]:
        query = (
            select(v.c.id, v.c.sku, v.c.stock, v.c.product_id, p.c.name.label("product_name"))
            .join(p, p.c.id == v.c.product_id)
            .where(v.c.is_active == true(), p.c.is_active == true(), v.c.stock <= LOW_STOCK)
            .order_by(v.c.stock, v.c.id)
            .limit(limit)
        )
        with connect(self.engine) as connection:
            return [dict(row) for row in connection.execute(query).mappings()]


def overview_conditions(filters: ProductOverviewFilter) -> list[ColumnElement[bool]]:
    """The overview's filters as conditions on products alone (for the catalog export)."""
    if filters.stock is None:
        return _conditions(filters, None)
    stock = _active_variant_stock().subquery()
    matching = select(p.c.id).outerjoin(stock, stock.c.product_id == p.c.id)
    matching = matching.where(*_conditions(filters, stock.c.min_stock))
    return [p.c.id.in_(matching)]


def _conditions(filters: ProductOverviewFilter, min_stock: Any) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.q:
        conditions.append(text_match(filters.q, include_inactive=True))
    if filters.category_id is not None:
        conditions.append(p.c.category_id == filters.category_id)
    if filters.active is not None:
        conditions.append(p.c.is_active == (true() if filters.active else false()))
    if filters.stock == StockLevel.OUT:
        conditions.append(min_stock == 0)
    elif filters.stock == StockLevel.LOW:
        conditions.append(min_stock <= LOW_STOCK)
    elif filters.stock == StockLevel.IN:
        conditions.append(min_stock > LOW_STOCK)
    return conditions


class SqlCustomerQueries:
    """Accounts for the console, with their order count and lifetime value (paid orders)."""

    def __init__(self, engine: Any, currency: str) -> None:
        self.engine = engine
        self.currency = currency

    def customers(self, q: str | None, page: int, page_size: int) -> Page:
        o = orders
        spent = (
            select(
                o.c.user_id,
                func.count().label("order_count"),
                func.sum(o.c.total).filter(o.c.status.in_(PAID)).label("lifetime_value"),
            )
            .where(o.c.user_id.is_not(None))
            .group_by(o.c.user_id)
            .subquery()
        )
        query = select(
            u.c.id,
            u.c.email,
            u.c.full_name,
            u.c.role,
            u.c.created_at,
            func.coalesce(spent.c.order_count, 0).label("order_count"),
            func.coalesce(spent.c.lifetime_value, 0).label("lifetime_value"),
        ).outerjoin(spent, spent.c.user_id == u.c.id)
        if q:
            pattern = like_pattern(q.lower())
            query = query.where(
                or_(
                    func.lower(u.c.email).like(pattern, escape="\\"),
                    func.lower(u.c.full_name).like(pattern, escape="\\"),
                )
            )
        rows, total = counted_page(self.engine, query, [u.c.id.desc()], page, page_size)
        return [
            {**row._mapping, "role": str(row.role), "currency": self.currency} for row in rows
        ], total
