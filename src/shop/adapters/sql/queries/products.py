"""The catalog's read side (DESIGN.md "Reads are not writes"): SQLAlchemy Core selects that
return plain dicts shaped like the API's responses, skipping the ORM and the domain.

Statement budget, whatever the page size: a product list costs 2 (count, page), a product or
variant detail 2 or 1, the attribute list 3. Every per-row figure comes from inside those
statements: the lowest active price from products.price_from (kept by the domain), stock
from a correlated EXISTS, attributes from joins.

On PostgreSQL, `q` is served by the trigram (pg_trgm) index of migration 0003 on
products.search_text (name, description and active SKUs, lower-cased, kept by the domain):
one predicate, so the planner reads a rare term from the index and walks the sort order for
a common one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Engine,
    Select,
    exists,
    func,
    literal,
    or_,
    select,
    true,
)

from shop.adapters.sql import tables as orm
from shop.services.catalog.ports import ProductSearch
from shop.services.common import Row

p = orm.products
c = orm.categories
v = orm.variants
a = orm.attributes
av = orm.attribute_values
vav = orm.variant_attribute_values

LIKE_ESCAPE = "\\"
NO_RATING: dict[str, Any] = {"average": None, "count": 0}  # until reviews exist


def like_pattern(text: str) -> str:
    """`%text%` for a case-insensitive LIKE, with the wildcards of `text` taken literally."""
    escaped = (
        text.lower()
        .replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )
    return f"%{escaped}%"


def _offset(page: int, page_size: int) -> int:
    return (page - 1) * page_size


class SqlCatalogQueries:
    def __init__(self, engine: Engine, currency: str) -> None:
        self.engine = engine
        self.currency = currency

    # Product lists --------------------------------------------------------------------------

    def products(self, search: ProductSearch, page: int, page_size: int) -> tuple[list[Row], int]:
        conditions = list(self._conditions(search))
        count = select(func.count()).select_from(p).where(*conditions)
        with self.engine.connect() as connection:
            total = int(connection.scalar(count) or 0)
            if total <= _offset(page, page_size):
                return [], total  # past the end: no second statement
            rows = connection.execute(self._page(search, conditions, page, page_size)).mappings()
            return [self._summary(row) for row in rows], total

    def _conditions(self, search: ProductSearch) -> Iterable[ColumnElement[bool]]:
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

    def _page(
        self,
        search: ProductSearch,
        conditions: Sequence[ColumnElement[bool]],
        page: int,
        page_size: int,
    ) -> Select[Any]:
        query = (
            select(
                p.c.id,
                p.c.name,
                p.c.slug,
                p.c.image_url,
                p.c.is_active,
                c.c.id.label("category_id"),
                c.c.name.label("category_name"),
                c.c.slug.label("category_slug"),
                p.c.price_from,
                _stock_flag().label("in_stock"),
            )
            .select_from(p.join(c, c.c.id == p.c.category_id))
            .where(*conditions)
        )
        return (
            query.order_by(*_order(search.sort)).limit(page_size).offset(_offset(page, page_size))
        )

    def _summary(self, row: Any) -> Row:
        return {
            "id": row.id,
            "name": row.name,
            "slug": row.slug,
            "category": _category(row),
            "image_url": row.image_url,
            "price_from": row.price_from,
            "currency": self.currency,
            "in_stock": bool(row.in_stock),
            "is_active": bool(row.is_active),
            "rating": dict(NO_RATING),
        }

    # Details --------------------------------------------------------------------------------

    def product(self, product_id: int, include_inactive: bool) -> Row | None:
        query = (
            select(
                p.c.id,
                p.c.name,
                p.c.slug,
                p.c.description,
                p.c.image_url,
                p.c.is_active,
                p.c.created_at,
                c.c.id.label("category_id"),
                c.c.name.label("category_name"),
                c.c.slug.label("category_slug"),
            )
            .select_from(p.join(c, c.c.id == p.c.category_id))
            .where(p.c.id == product_id)
        )
        if not include_inactive:
            query = query.where(p.c.is_active == true())
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
            if row is None:
                return None
            variant_rows = connection.execute(
                _variants_with_attributes(include_inactive).where(v.c.product_id == product_id)
            ).all()
        return {
            "id": row.id,
            "name": row.name,
            "slug": row.slug,
            "description": row.description,
            "category": _category(row),
            "image_url": row.image_url,
            "is_active": bool(row.is_active),
            "created_at": row.created_at,
            "rating": dict(NO_RATING),
            "variants": self._group_variants(variant_rows),
        }

    def variant(self, variant_id: int, include_inactive: bool) -> Row | None:
        query = _variants_with_attributes(include_inactive).where(v.c.id == variant_id)
        if not include_inactive:
            query = query.where(exists().where(p.c.id == v.c.product_id, p.c.is_active == true()))
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        variants = self._group_variants(rows)
        return variants[0] if variants else None

    def _group_variants(self, rows: Iterable[Any]) -> list[Row]:
        """Rows of (variant, attribute name, value), ordered by variant: one dict per variant."""
        grouped: dict[int, Row] = {}
        for row in rows:
            variant = grouped.get(row.id)
            if variant is None:
                variant = grouped[row.id] = {
                    "id": row.id,
                    "product_id": row.product_id,
                    "sku": row.sku,
                    "price": row.price,
                    "currency": self.currency,
                    "stock": row.stock,
                    "in_stock": row.stock > 0,
                    "is_active": bool(row.is_active),
                    "attributes": [],
                }
            if row.attribute_name is not None:
                variant["attributes"].append(
                    {"name": row.attribute_name, "value": row.attribute_value}
                )
        return list(grouped.values())

    # Categories and attributes --------------------------------------------------------------

    def categories(self, page: int, page_size: int) -> tuple[list[Row], int]:
        query = (
            select(c.c.id, c.c.name, c.c.slug)
            .order_by(func.lower(c.c.name), c.c.id)
            .limit(page_size)
            .offset(_offset(page, page_size))
        )
        with self.engine.connect() as connection:
            total = int(connection.scalar(select(func.count()).select_from(c)) or 0)
            if total <= _offset(page, page_size):
                return [], total
            return [dict(row) for row in connection.execute(query).mappings()], total

    def attributes(self, page: int, page_size: int) -> tuple[list[Row], int]:
        query = (
            select(a.c.id, a.c.name)
            .order_by(func.lower(a.c.name), a.c.id)
            .limit(page_size)
            .offset(_offset(page, page_size))
        )
        with self.engine.connect() as connection:
            total = int(connection.scalar(select(func.count()).select_from(a)) or 0)
            if total <= _offset(page, page_size):
                return [], total
            attributes: dict[int, Row] = {
                row.id: {"id": row.id, "name": row.name, "values": []}
                for row in connection.execute(query)
            }
            values = connection.execute(
                select(av.c.id, av.c.attribute_id, av.c.value)
                .where(av.c.attribute_id.in_(list(attributes)))
                .order_by(av.c.id)
            )
            for value in values:
                attributes[value.attribute_id]["values"].append(
                    {"id": value.id, "value": value.value}
                )
        return list(attributes.values()), total


def _category(row: Any) -> Row:
    return {"id": row.category_id, "name": row.category_name, "slug": row.category_slug}


def _has_stock() -> ColumnElement[bool]:
    stocked = v.alias("stocked")
    return exists().where(
        stocked.c.product_id == p.c.id, stocked.c.is_active == true(), stocked.c.stock > 0
    )


def _stock_flag() -> Any:
    """1 when the product has an active variant in stock, else NULL, for a select list.

    Not EXISTS: PostgreSQL turns an EXISTS in a select list into a hash of every variant
    (a scan of the whole table) even for a page of 20; a LIMIT 1 subquery is looked up
    per row through the variants' product_id index.
    """
    stocked = v.alias("stocked")
    return (
        select(literal(1))
        .where(stocked.c.product_id == p.c.id, stocked.c.is_active == true(), stocked.c.stock > 0)
        .limit(1)
        .scalar_subquery()
    )


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


def _order(sort: str) -> list[Any]:
    """The sort, then the id, so pages never overlap; products without a price come last."""
    descending = sort.startswith("-")
    key = {
        "price": p.c.price_from,
        "name": func.lower(p.c.name),
        "created_at": p.c.created_at,
    }[sort.lstrip("-")]
    primary = key.desc() if descending else key.asc()
    if key is p.c.price_from:
        # Matches the indexes of migration 0002; the other keys are never null, and their
        # default null order keeps their indexes usable in both directions.
        primary = primary.nulls_last()
    return [primary, p.c.id.desc() if descending else p.c.id.asc()]


def _variants_with_attributes(include_inactive: bool) -> Select[Any]:
    query = (
        select(
            v.c.id,
            v.c.product_id,
            v.c.sku,
            v.c.price,
            v.c.stock,
            v.c.is_active,
            a.c.name.label("attribute_name"),
            av.c.value.label("attribute_value"),
        )
        .select_from(
            v.outerjoin(vav, vav.c.variant_id == v.c.id)
            .outerjoin(av, av.c.id == vav.c.attribute_value_id)
            .outerjoin(a, a.c.id == av.c.attribute_id)
        )
        .order_by(v.c.id, func.lower(a.c.name))
    )
    if not include_inactive:
        query = query.where(v.c.is_active == true())
    return query
