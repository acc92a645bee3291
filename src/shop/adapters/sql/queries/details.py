"""Product and variant details: the product with its variants, or one variant; 2 and 1 SQL
statements, whatever the number of variants and attributes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, exists, true

from shop.adapters.sql import tables
from shop.adapters.sql.engine import connect
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


class ProductDetails(SqlReads):
    def product(self, product_id: int, include_inactive: bool) -> Row | None:
        query = products_with_category(
            p.c.id,
            p.c.name,
            p.c.slug,
            p.c.description,
            p.c.image_url,
            p.c.is_active,
            p.c.created_at,
            *rating_columns(),
        ).where(p.c.id == product_id)
        if not include_inactive:
            query = query.where(p.c.is_active == true())
        with connect(self.engine) as connection:
            row = connection.execute(query).first()
            if row is None:
                return None
            variant_rows = connection.execute(
                _variants(include_inactive).where(v.c.product_id == product_id)
            ).all()
        return {
            "id": row.id,
            "name": row.name,
            "slug": row.slug,
            "description": row.description,
            "category": category_of(row),
            "image_url": row.image_url,
            "is_active": bool(row.is_active),
            "created_at": row.created_at,
            "rating": rating_of(row),
            "variants": self._group_variants(variant_rows),
        }

    def variant(self, variant_id: int, include_inactive: bool) -> Row | None:
        query = _variants(include_inactive).where(v.c.id == variant_id)
        if not include_inactive:
            query = query.where(exists().where(p.c.id == v.c.product_id, p.c.is_active == true()))
        with connect(self.engine) as connection:
            rows = connection.execute(query).all()
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


def _variants(include_inactive: bool) -> Select[Any]:
    query = variants_with_attributes()
    if not include_inactive:
        query = query.where(v.c.is_active == true())
    return query
