"""The one select of variants with their attribute values, shared by the catalog's reads and
the cart's variant lookup: one row per (variant, attribute value), ordered by variant, then
attribute name."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, func, select

from shop.adapters.sql import tables

v = tables.variants
a = tables.attributes
av = tables.attribute_values
vav = tables.variant_attribute_values


def variants_with_attributes(*columns: Any) -> Select[Any]:
    """Variant columns (and `columns`), `attribute_name` and `attribute_value` (NULL for a
    variant without attributes), from variants left-joined to their attribute values."""
    return (
        select(
            v.c.id,
            v.c.product_id,
            v.c.sku,
            v.c.price,
            v.c.stock,
            v.c.is_active,
            *columns,
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


def group_by_variant(rows: Iterable[Any]) -> dict[int, tuple[Any, list[tuple[str, str]]]]:
    """Rows of `variants_with_attributes`: each variant's first row and its (name, value)s."""
    grouped: dict[int, tuple[Any, list[tuple[str, str]]]] = {}
    for row in rows:
        _, attributes = grouped.setdefault(row.id, (row, []))
        if row.attribute_name is not None:
            attributes.append((row.attribute_name, row.attribute_value))
    return grouped
