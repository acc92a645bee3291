"""Product and variant details: the product with its variants, or one variant; 2 and 1 SQL
statements, whatever the number of variants and attributes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, exists, true

from shop.adapters.sql import tables
from shop.adapters.sql.engine import connect
from shop.adapters.sql.prepared import prepared
from shop.adapters.sql.queries.reads import (
    SqlReads,
    category_of,
    products_with_category,
    rating_columns,
    rating_of,
)
from shop.adapters.sql.queries.variant_rows import group_by_variant, variants_with_attributes
from shop.services.common import Row

p = tables.products
c = tables.categories
v = tables.variants


# Built once, at import, with the ids as parameters: constructing these selects cost more
# Python per request than running them. Keyed by include_inactive; prepared on PostgreSQL
# (their planning took longer than their run).
_PRODUCT = {
    True: products_with_category(
        p.c.id,
        p.c.name,
        p.c.slug,
        p.c.description,
        p.c.image_url,
        p.c.is_active,
        p.c.created_at,
        p.c.version,
        *rating_columns(),
    ).where(p.c.id == bindparam("product_id"))
}
_PRODUCT[False] = _PRODUCT[True].where(p.c.is_active == true())
_VARIANTS = {True: variants_with_attributes()}
_VARIANTS[False] = _VARIANTS[True].where(v.c.is_active == true())
_VARIANTS_OF_PRODUCT = {
    key: prepared(query.where(v.c.product_id == bindparam("product_id")))
    for key, query in _VARIANTS.items()
}
_VARIANT = {True: _VARIANTS[True].where(v.c.id == bindparam("variant_id"))}
_VARIANT[False] = _VARIANTS[False].where(
    v.c.id == bindparam("variant_id"),
    exists().where(p.c.id == v.c.product_id, p.c.is_active == true()),
)
_PRODUCT = {key: prepared(query) for key, query in _PRODUCT.items()}
_VARIANT = {key: prepared(query) for key, query in _VARIANT.items()}


class ProductDetails(SqlReads):
    def product(self, product_id: int, include_inactive: bool) -> Row | None:
        ids = {"product_id": product_id}
        with connect(self.engine) as connection:
            row = connection.execute(_PRODUCT[include_inactive], ids).first()
            if row is None:
                return None
            variant_rows = connection.execute(_VARIANTS_OF_PRODUCT[include_inactive], ids).all()
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
            "variants": self._group_variants(variant_rows),
        }

    def variant(self, variant_id: int, include_inactive: bool) -> Row | None:
        with connect(self.engine) as connection:
            rows = connection.execute(_VARIANT[include_inactive], {"variant_id": variant_id}).all()
        variants = self._group_variants(rows)
        return variants[0] if variants else None

    def _group_variants(self, rows: Iterable[Any]) -> list[Row]:
        """Rows of (variant, attribute name, value), ordered by variant: one dict per variant."""
        return [
            {
                "id": row.id,
                "product_id": row.product_id,
                "sku": row.sku,
                "price": row.price,
                "currency": self.currency,
                "stock": row.stock,
                "in_stock": row.stock > 0,
                "is_active": bool(row.is_active),
                "attributes": [{"name": name, "value": value} for name, value in attributes],
            }
            for row, attributes in group_by_variant(rows).values()
        ]
