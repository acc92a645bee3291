"""What the catalog's read queries share: the engine, the currency, and paging."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Engine, FromClause, Select, func, literal_column, select

from shop.adapters.sql import tables
from shop.adapters.sql.engine import autocommit, connect
from shop.domain.reviews.rating import RatingSummary, rating_summary
from shop.services.common import MAX_WINDOW, Row

p = tables.products
c = tables.categories


def offset(page: int, page_size: int) -> int:
    return (page - 1) * page_size


def capped_count(table: FromClause, *conditions: ColumnElement[bool]) -> Select[Any]:
    """How many rows of `table` match, counted no further than MAX_WINDOW + 1: a LIMIT
    subquery stops the scan there, so a broad filter on a large catalog costs no more than
    a narrow one."""
    cap: ColumnElement[int] = literal_column(str(MAX_WINDOW + 1))  # in the text, for the plan
    matching = select(1).select_from(table).where(*conditions).limit(cap)
    return select(func.count()).select_from(matching.subquery())


def products_with_category(*columns: Any) -> Select[Any]:
    """Product `columns` and their category's (read back by `category_of`), joined."""
    return select(
        *columns,
        c.c.id.label("category_id"),
        c.c.name.label("category_name"),
        c.c.slug.label("category_slug"),
    ).select_from(p.join(c, c.c.id == p.c.category_id))


def rating_columns() -> tuple[Any, ...]:
    """The product's running rating, read back by `rating_of`."""
    return (p.c.rating_sum, p.c.rating_count)


def rating_of(row: Any) -> RatingSummary:
    return rating_summary(row.rating_sum, row.rating_count)


def category_of(row: Any) -> Row:
    """The nested category of a `products_with_category` row."""
    return {"id": row.category_id, "name": row.category_name, "slug": row.category_slug}


class SqlReads:
    """Read-only: every statement runs in autocommit, one round trip each."""

    def __init__(self, engine: Engine, currency: str) -> None:
        self.engine = autocommit(engine)
        self.currency = currency


def counted_page(
    engine: Engine, query: Select[Any], order: list[Any], page: int, page_size: int
) -> tuple[list[Any], int]:
    """One page of `query`'s rows in `order`, and how many match in all (2 statements; 1
    for a page past the end)."""
    with connect(engine) as connection:
        total = int(connection.scalar(select(func.count()).select_from(query.subquery())) or 0)
        if total <= offset(page, page_size):
            return [], total
        paged = query.order_by(*order).limit(page_size).offset(offset(page, page_size))
        return list(connection.execute(paged).all()), total
