"""Product and variant details: the product with its variants, or one variant; 1 SQL
statement each, whatever the number of variants and attributes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, exists, func, select, true

from shop.adapters.sql import tables
from shop.adapters.sql.engine import connect
from shop.adapters.sql.prepared import prepared
from shop.adapters.sql.queries.reads import SqlReads, category_of, rating_columns, rating_of
from shop.adapters.sql.queries.variant_rows import group_by_variant, variants_with_attributes
from shop.services.common import Row

p = tables.products
c = tables.categories
v = tables.variants
a, av, vav = tables.attributes, tables.attribute_values, tables.variant_attribute_values


# Built once, at import, with the ids as parameters: constructing these selects cost more
# Python per request than running them. Keyed by include_inactive; prepared on PostgreSQL
# (their planning took longer than their run).
def _product_with_variants(include_inactive: bool) -> Select[Any]:
    """The product, its category and rating, and its variants with their attribute values:
    one row per (variant, attribute value), one row with NULL variant columns for a product
    without variants, none for no such product."""
    on_variant: ColumnElement[bool] = v.c.product_id == p.c.id
    if not include_inactive:
        on_variant = and_(on_variant, v.c.is_active == true())
    joined = (
        p.join(c, c.c.id == p.c.category_id)
        .outerjoin(v, on_variant)
        .outerjoin(vav, vav.c.variant_id == v.c.id)
        .outerjoin(av, av.c.id == vav.c.attribute_value_id)
        .outerjoin(a, a.c.id == av.c.attribute_id)
    )
    query = (
        select(
            p.c.id,
            p.c.name,
            p.c.slug,
            p.c.description,
            p.c.image_url,
            p.c.is_active,
            p.c.created_at,
            p.c.version,
            *rating_columns(),
            c.c.id.label("category_id"),
            c.c.name.label("category_name"),
            c.c.slug.label("category_slug"),
            v.c.id.label("variant_id"),
            v.c.sku,
            v.c.price,
            v.c.stock,
            v.c.is_active.label("variant_is_active"),
            a.c.name.label("attribute_name"),
            av.c.value.label("attribute_value"),
        )
        .select_from(joined)
        .where(p.c.id == bindparam("product_id"))
        .order_by(v.c.id, func.lower(a.c.name))
    )
    if not include_inactive:
        query = query.where(p.c.is_active == true())
    return prepared(query)


_PRODUCT = {key: _product_with_variants(key) for key in (True, False)}
_VARIANTS = {True: variants_with_attributes()}
_VARIANTS[False] = _VARIANTS[True].where(v.c.is_active == true())
_VARIANT = {True: _VARIANTS[True].where(v.c.id == bindparam("variant_id"))}
_VARIANT[False] = _VARIANTS[False].where(
    v.c.id == bindparam("variant_id"),
    exists().where(p.c.id == v.c.product_id, p.c.is_active == true()),
)
_VARIANT = {key: prepared(query) for key, query in _VARIANT.items()}


class ProductDetails(SqlReads):
    def product(self, product_id: int, include_inactive: bool) -> Row | None:
        with connect(self.engine) as connection:
            rows = connection.execute(_PRODUCT[include_inactive], {"product_id": product_id}).all()
        if not rows:
            return None
        row = rows[0]
        return {
            "id": row.id,
            "name": row.name,
            "slug": row.slug,
            "description": row.description,
            "category": category_of(row),
            "image_url": row.image_url,
            "is_active": bool(row.is_active),
            "created_at": row.created_at,
            "version": row.version,
            "rating": rating_of(row),
            "variants": self._variants_of_product(rows),
        }

    def _variants_of_product(self, rows: Iterable[Any]) -> list[Row]:
        """The variants of `_product_with_variants`' rows, in order, with their attributes."""
        variants: dict[int, Row] = {}
        for row in rows:
            if row.variant_id is None:
                continue
            variant = variants.get(row.variant_id)
            if variant is None:
                variant = variants[row.variant_id] = self._variant(
                    row.variant_id, row.id, row, row.variant_is_active, []
                )
            if row.attribute_name is not None:
                variant["attributes"].append(
                    {"name": row.attribute_name, "value": row.attribute_value}
                )
        return list(variants.values())

    def variant(self, variant_id: int, include_inactive: bool) -> Row | None:
        with connect(self.engine) as connection:
            rows = connection.execute(_VARIANT[include_inactive], {"variant_id": variant_id}).all()
        variants = self._group_variants(rows)
        return variants[0] if variants else None

    def _group_variants(self, rows: Iterable[Any]) -> list[Row]:
        """Rows of (variant, attribute name, value), ordered by variant: one dict per variant."""
        return [
            self._variant(
                row.id,
                row.product_id,
                row,
                row.is_active,
                [{"name": name, "value": value} for name, value in attributes],
            )
            for row, attributes in group_by_variant(rows).values()
        ]

    def _variant(
        self, variant_id: int, product_id: int, row: Any, is_active: Any, attributes: list[Row]
    ) -> Row:
        """A variant's read model from a row with its `sku`, `price` and `stock` (the ids and
        the active flag are named apart: the product's read labels them)."""
        return {
            "id": variant_id,
            "product_id": product_id,
            "sku": row.sku,
            "price": row.price,
            "currency": self.currency,
            "stock": row.stock,
            "in_stock": row.stock > 0,
            "is_active": bool(is_active),
            "attributes": attributes,
        }
