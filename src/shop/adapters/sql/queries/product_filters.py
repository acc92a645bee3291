"""The product list's filters as SQL conditions on products (the list, the export and the
console's overview use them).

On PostgreSQL, `q` is served by the trigram (pg_trgm) index of migration 0003 on
products.search_text (name, description and active SKUs, lower-cased, kept by the domain):
one predicate, so the planner reads a rare term from the index and walks the sort order for
a common one.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, exists, func, literal_column, or_, select, true

from shop.adapters.sql import tables
from shop.services.catalog.ports import ProductSearch

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


def product_conditions(search: ProductSearch) -> Iterable[ColumnElement[bool]]:
    """The product list's filters as conditions on products (also used by the export)."""
    if not search.include_inactive:
        yield p.c.is_active == true()
    if search.q:
        yield text_match(search.q, search.include_inactive)
    if search.category is not None:
        slug = select(c.c.id).where(c.c.slug == search.category).scalar_subquery()
        yield p.c.category_id == slug
    variant_rule = _variant_rule(search)
    if variant_rule is not None:
        yield variant_rule
    if search.in_stock is False:
        yield ~has_stock()
    if search.min_rating is not None:
        yield p.c.rating_average >= search.min_rating


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


def has_stock() -> ColumnElement[bool]:
    return _HAS_STOCK


def stock_flag() -> Any:
    return _STOCK_FLAG


def text_match(q: str, include_inactive: bool) -> ColumnElement[bool]:
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
