"""Live variant data for carts: one Core SELECT for every line of a cart, never one per line."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ARRAY, Engine, Integer, any_, bindparam

from shop.adapters.sql import tables
from shop.adapters.sql.engine import autocommit, connect
from shop.adapters.sql.prepared import prepared
from shop.adapters.sql.queries.variant_rows import group_by_variant, variants_with_attributes
from shop.domain.cart.pricing import VariantSnapshot
from shop.domain.limits import MAX_INTEGER

p, v = tables.products, tables.variants

# Built once: constructing a select costs more than running it on a small cart.
_ALL_VARIANTS = variants_with_attributes(
    p.c.name.label("product_name"), p.c.is_active.label("product_is_active")
).join(p, p.c.id == v.c.product_id)
SNAPSHOTS = _ALL_VARIANTS.where(v.c.id.in_(bindparam("ids", expanding=True)))
# On PostgreSQL the ids are one array parameter: one statement text whatever the cart's size,
# prepared once per connection.
SNAPSHOTS_BY_ARRAY = prepared(
    _ALL_VARIANTS.where(v.c.id == any_(bindparam("ids", type_=ARRAY(Integer))))
)


class SqlVariantLookup:
    def __init__(self, engine: Engine) -> None:
        self._engine = autocommit(engine)  # read-only: one round trip, no BEGIN/ROLLBACK
        self._query = SNAPSHOTS if engine.dialect.name == "sqlite" else SNAPSHOTS_BY_ARRAY

    def many(self, variant_ids: Iterable[int]) -> dict[int, VariantSnapshot]:
        ids = valid_ids(variant_ids)
        if not ids:
            return {}
        with connect(self._engine) as connection:
            rows = connection.execute(self._query, {"ids": ids}).all()
        return snapshots(rows)


def valid_ids(variant_ids: Iterable[int]) -> list[int]:
    """Distinct ids an INTEGER column can hold, ascending (others name no variant)."""
    return sorted({i for i in variant_ids if 0 < i <= MAX_INTEGER})


def snapshots(rows: Iterable[Any]) -> dict[int, VariantSnapshot]:
    """Snapshots from SNAPSHOTS' rows (one row per variant and attribute)."""
    return {
        variant_id: VariantSnapshot(
            id=row.id,
            sku=row.sku,
            product_id=row.product_id,
            product_name=row.product_name,
            price=row.price,
            stock=row.stock,
            is_active=bool(row.is_active and row.product_is_active),
            attributes=tuple(attributes),
        )
        for variant_id, (row, attributes) in group_by_variant(rows).items()
    }
