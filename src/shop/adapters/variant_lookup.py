"""Live variant data for carts: one Core SELECT for every line of a cart, never one per line."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import Engine, Row, Select, bindparam, select

from shop.adapters import orm
from shop.domain.cart import VariantSnapshot


def _snapshot_query() -> Select[Any]:
    """Built once: constructing a select costs more than running it on a small cart."""
    v, p = orm.variants, orm.products
    link, value, attribute = orm.variant_attribute_values, orm.attribute_values, orm.attributes
    return (
        select(
            v.c.id,
            v.c.sku,
            v.c.product_id,
            p.c.name.label("product_name"),
            v.c.price,
            v.c.stock,
            v.c.is_active,
            p.c.is_active.label("product_is_active"),
            attribute.c.name.label("attribute"),
            value.c.value,
        )
        .select_from(
            v.join(p, p.c.id == v.c.product_id)
            .outerjoin(link, link.c.variant_id == v.c.id)
            .outerjoin(value, value.c.id == link.c.attribute_value_id)
            .outerjoin(attribute, attribute.c.id == value.c.attribute_id)
        )
        .where(v.c.id.in_(bindparam("ids", expanding=True)))
        .order_by(v.c.id, attribute.c.id)
    )


SNAPSHOTS = _snapshot_query()


class SqlVariantLookup:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def many(self, variant_ids: Iterable[int]) -> dict[int, VariantSnapshot]:
        ids = valid_ids(variant_ids)
        if not ids:
            return {}
        with self._engine.connect() as connection:
            rows = connection.execute(SNAPSHOTS, {"ids": ids}).all()
        return snapshots(rows)


def valid_ids(variant_ids: Iterable[int]) -> list[int]:
    """Distinct ids an INTEGER column can hold, ascending (others name no variant)."""
    return sorted({i for i in variant_ids if 0 < i <= orm.MAX_INTEGER})


def snapshots(rows: Sequence[Row[Any]]) -> dict[int, VariantSnapshot]:
    """Snapshots from SNAPSHOTS' rows (one row per variant and attribute)."""
    found: dict[int, VariantSnapshot] = {}
    attributes: dict[int, list[tuple[str, str]]] = {}
    for row in rows:
        if row.id not in found:
            found[row.id] = VariantSnapshot(
                id=row.id,
                sku=row.sku,
                product_id=row.product_id,
                product_name=row.product_name,
                price=row.price,
                stock=row.stock,
                is_active=bool(row.is_active and row.product_is_active),
            )
            attributes[row.id] = []
        if row.attribute is not None:
            attributes[row.id].append((row.attribute, row.value))
    return {
        variant_id: replace(snapshot, attributes=tuple(attributes[variant_id]))
        for variant_id, snapshot in found.items()
    }
