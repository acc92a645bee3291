"""The catalog's read side (DESIGN.md "Reads are not writes"): SQLAlchemy Core selects that
return plain dicts shaped like the API's responses, skipping the ORM and the domain.

Statement budget, whatever the page size: a product list costs 2 (count, page), a product or
variant detail 1, the attribute list 3. Every per-row figure comes from inside those
statements: the lowest active price from products.price_from (kept by the domain), stock
from a correlated EXISTS, attributes from joins, the rating from products' running
rating_sum and rating_count (kept by the reviews in their own transactions).

The filters (and how `q` is served on PostgreSQL) are in `product_filters`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any, assert_never

from sqlalchemy import ColumnElement, Select, func, literal_column

from shop.adapters.sql import tables
from shop.adapters.sql.engine import connect
from shop.adapters.sql.prepared import prepared
from shop.adapters.sql.queries.details import ProductDetails
from shop.adapters.sql.queries.ledger import StockLedgerReads
from shop.adapters.sql.queries.product_filters import product_conditions, stock_flag
from shop.adapters.sql.queries.reads import (
    SqlReads,
    capped_count,
    category_of,
    offset,
    products_with_category,
    rating_columns,
    rating_of,
)
from shop.adapters.sql.queries.taxonomy import Taxonomy
from shop.services.catalog.ports import ProductSearch, ProductSort
from shop.services.common import Page, Row

p = tables.products


class ProductLists(SqlReads):
    def products(self, search: ProductSearch, page: int, page_size: int) -> Page:
        if page == 1 and _plans_alike(search):
            count, query = _first_page(search, page_size)
        else:
            conditions = list(product_conditions(search))
            count = capped_count(p, *conditions)
            query = _ordered(search, conditions).limit(page_size).offset(offset(page, page_size))
        with connect(self.engine) as connection:
            total = int(connection.scalar(count) or 0)
            if total <= offset(page, page_size):
                return [], total  # past the end: no second statement
            return [self._summary(row) for row in connection.execute(query)], total

    def _summary(self, row: Any) -> Row:
        return {
            "id": row.id,
            "name": row.name,
            "slug": row.slug,
            "category": category_of(row),
            "image_url": row.image_url,
            "price_from": row.price_from,
            "currency": self.currency,
            "in_stock": bool(row.in_stock),
            "is_active": bool(row.is_active),
            "rating": rating_of(row),
        }


@lru_cache(maxsize=256)
def _first_page(search: ProductSearch, page_size: int) -> tuple[Select[Any], Select[Any]]:
    """The prepared count and first page of a list without value-dependent filters, built
    once per search and page size (building them cost more Python than running them); the
    page size is written into the text, so that the plan knows how many rows."""
    conditions = list(product_conditions(search))
    first = _ordered(search, conditions).limit(literal_column(str(page_size)))
    return prepared(capped_count(p, *conditions)), prepared(first)


def _ordered(search: ProductSearch, conditions: Sequence[ColumnElement[bool]]) -> Select[Any]:
    """The summaries matching `conditions` in the search's order (no LIMIT or OFFSET)."""
    query = products_with_category(
        p.c.id,
        p.c.name,
        p.c.slug,
        p.c.image_url,
        p.c.is_active,
        p.c.price_from,
        stock_flag(),
        *rating_columns(),
    ).where(*conditions)
    return query.order_by(*_order(search))


def _plans_alike(search: ProductSearch) -> bool:
    """Whether one plan serves every value of the list's parameters (then it is prepared):
    not for a text, price, attribute, stock or rating filter, whose selectivity the plan
    depends on."""
    return not (
        search.q
        or search.attributes
        or search.min_price is not None
        or search.max_price is not None
        or search.in_stock is not None
        or search.min_rating is not None
    )


class SqlCatalogQueries(ProductLists, ProductDetails, Taxonomy, StockLedgerReads):
    """The CatalogQueries port on SQLAlchemy Core."""


def _order(search: ProductSearch) -> list[Any]:
    """The sort, then the id, so pages never overlap; products without a price come last."""
    key: Any
    match search.sort_key:
        case ProductSort.PRICE:
            key = p.c.price_from
        case ProductSort.NAME:
            key = func.lower(p.c.name)
        case ProductSort.CREATED_AT:
            key = p.c.created_at
        case ProductSort.RATING:
            key = p.c.rating_average
        case unknown:
            assert_never(unknown)
    primary = key.desc() if search.descending else key.asc()
    if search.sort_key in (ProductSort.PRICE, ProductSort.RATING):
        # Matches the indexes of migrations 0002 and 0006 (unpriced and unrated products
        # last); the other keys are never null, and their default null order keeps their
        # indexes usable in both directions.
        primary = primary.nulls_last()
    return [primary, p.c.id.desc() if search.descending else p.c.id.asc()]
