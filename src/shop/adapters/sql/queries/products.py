"""The catalog's read side (DESIGN.md "Reads are not writes"): SQLAlchemy Core selects that
return plain dicts shaped like the API's responses, skipping the ORM and the domain.

Statement budget, whatever the page size: a product list costs 2 (count, page), a product or
variant detail 1, the attribute list 3. Every per-row figure comes from inside those
statements: the lowest active price from products.price_from (kept by the domain), stock
from a correlated EXISTS, attributes from joins, the rating from products' running
rating_sum and rating_count (kept by the reviews in their own transactions).

On PostgreSQL, `q` is served by the trigram (pg_trgm) index of migration 0003 on
products.search_text (name, description and active SKUs, lower-cased, kept by the domain):
one predicate, so the planner reads a rare term from the index and walks the sort order for
a common one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Any, assert_never

from sqlalchemy import ColumnElement, Select, exists, func, literal_column, or_, select, true

from shop.adapters.sql import tables
from shop.adapters.sql.engine import connect
from shop.adapters.sql.prepared import prepared
from shop.adapters.sql.queries.details import ProductDetails
from shop.adapters.sql.queries.ledger import StockLedgerReads
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
c = tables.categories
v = tables.variants
a = tables.attributes
av = tables.attribute_values
vav = tables.variant_attribute_values

LIKE_ESCAPE = "\\"


def like_pattern(text: str) -> str:
    """`%text%` for a case-insensitive LIKE, with the wildcards of `text` taken literally."""
    escaped = (
        text.lower()
        .replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )
    return f"%{escaped}%"


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
        _stock_flag(),
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


def product_conditions(search: ProductSearch) -> Iterable[ColumnElement[bool]]:
    """The product list's filters as conditions on products (also used by the export)."""
    if not search.include_inactive:
        yield p.c.is_active == true()
    if search.q:
        yield _text_match(search.q, search.include_inactive)
    if search.category is not None:
        slug = select(c.c.id).where(c.c.slug == search.category).scalar_subquery()
        yield p.c.category_id == slug
    variant_rule = _variant_rule(search)
    if variant_rule is not None:
        yield variant_rule
    if search.in_stock is False:
        yield ~_has_stock()
    if search.min_rating is not None:
        yield p.c.rating_average >= search.min_rating


class SqlCatalogQueries(ProductLists, ProductDetails, Taxonomy, StockLedgerReads):
    """The CatalogQueries port on SQLAlchemy Core."""


# Built once, at import: an alias sets up its column collection each time it is made, which
# cost more Python per list request than the rest of the query's construction.
_stocked = v.alias("stocked")
# Constants written into the text (not parameters), for the plan of a prepared list.
_IN_STOCK = (
    _stocked.c.product_id == p.c.id,
    _stocked.c.is_active == true(),
    _stocked.c.stock > literal_column("0"),
)
_HAS_STOCK = exists().where(*_IN_STOCK)
# 1 when the product has an active variant in stock, else NULL, for a select list. Not EXISTS:
# PostgreSQL turns an EXISTS in a select list into a hash of every variant (a scan of the
# whole table) even for a page of 20; a LIMIT 1 subquery is looked up per row through the
# variants' product_id index.
_STOCK_FLAG = (
    select(literal_column("1"))
    .where(*_IN_STOCK)
    .limit(literal_column("1"))
    .scalar_subquery()
    .label("in_stock")
)


def _has_stock() -> ColumnElement[bool]:
    return _HAS_STOCK


def _stock_flag() -> Any:
    return _STOCK_FLAG


def _text_match(q: str, include_inactive: bool) -> ColumnElement[bool]:
    """Name, description or an active variant's SKU contains `q` (products.search_text,
    one trigram index on PostgreSQL). Admins also find products by an inactive SKU."""
    pattern = like_pattern(q)
    match = p.c.search_text.like(pattern, escape=LIKE_ESCAPE)
    if not include_inactive:
        return match
    hidden = v.alias("by_sku")
    by_inactive_sku = select(hidden.c.product_id).where(
        func.lower(hidden.c.sku).like(pattern, escape=LIKE_ESCAPE)
    )
    return or_(match, p.c.id.in_(by_inactive_sku))


def _variant_rule(search: ProductSearch) -> ColumnElement[bool] | None:
    """One active variant must meet every variant condition at once (price range,
    attributes, stock), as a shopper filtering "Blue, under 500" expects.

    Written as "product id in (variants that match)", joining each wanted attribute value
    through the attribute-value index: far cheaper on a large catalog than testing every
    product's variants in turn.
    """
    one = v.alias("one")
    joined: Any = one
    rules: list[ColumnElement[bool]] = []
    if search.min_price is not None:
        rules.append(one.c.price >= Decimal(search.min_price))
    if search.max_price is not None:
        rules.append(one.c.price <= Decimal(search.max_price))
    if search.in_stock:
        rules.append(one.c.stock > 0)
    for index, (name, value) in enumerate(search.attributes):
        link = vav.alias(f"link{index}")
        val, attr = av.alias(f"val{index}"), a.alias(f"attr{index}")
        wanted = (
            select(val.c.id)
            .join(attr, attr.c.id == val.c.attribute_id)
            .where(
                func.lower(attr.c.name) == name.strip().lower(),
                func.lower(val.c.value) == value.strip().lower(),
            )
        )
        joined = joined.join(link, link.c.variant_id == one.c.id)
        rules.append(link.c.attribute_value_id.in_(wanted))
    if not rules:
        return None
    matching = select(one.c.product_id).select_from(joined).where(one.c.is_active == true(), *rules)
    return p.c.id.in_(matching)


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
