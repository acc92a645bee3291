"""The catalog CSV's rows, streamed: a server-side cursor over products and their variants
(in id order), with the attribute values of each slice of rows fetched in one statement, so
memory stays flat whatever the size of the catalog."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from sqlalchemy import Engine, select

from shop.adapters.sql import tables
from shop.adapters.sql.engine import connect
from shop.adapters.sql.queries.overview import overview_conditions
from shop.adapters.sql.queries.product_filters import product_conditions
from shop.services.catalog.exports import ExportFilter, ExportRow
from shop.services.catalog.ports import ProductOverviewFilter

p, c, v = tables.products, tables.categories, tables.variants
a, av, vav = tables.attributes, tables.attribute_values, tables.variant_attribute_values
SLICE_ROWS = 1000


class SqlCatalogExport:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def attribute_names(self) -> list[str]:
        with connect(self.engine) as connection:
            return list(connection.scalars(select(a.c.name).order_by(a.c.name, a.c.id)))

    def rows(self, filters: ExportFilter) -> Iterator[ExportRow]:
        query = (
            select(
                p.c.slug,
                p.c.name,
                c.c.slug.label("category_slug"),
                p.c.description,
                p.c.image_url,
                p.c.is_active,
                v.c.id.label("variant_id"),
                v.c.sku,
                v.c.price,
                v.c.stock,
                v.c.is_active.label("variant_active"),
            )
            .select_from(
                p.join(c, c.c.id == p.c.category_id).outerjoin(v, v.c.product_id == p.c.id)
            )
            .where(*_conditions(filters))
            .order_by(p.c.id, v.c.id)
        )
        with connect(self.engine) as connection:
            result = connection.execution_options(stream_results=True, yield_per=SLICE_ROWS)
            for part in result.execute(query).partitions():
                values = _attribute_values(connection, [r.variant_id for r in part if r.variant_id])
                for row in part:
                    yield _export_row(row, values.get(row.variant_id, {}))


def _conditions(filters: ExportFilter) -> list[Any]:
    if isinstance(filters, ProductOverviewFilter):
        return overview_conditions(filters)
    search = replace(filters, include_inactive=True)
    return list(product_conditions(search))


def _attribute_values(connection: Any, variant_ids: list[int]) -> dict[int, dict[str, str]]:
    if not variant_ids:
        return {}
    query = (
        select(vav.c.variant_id, a.c.name, av.c.value)
        .join(av, av.c.id == vav.c.attribute_value_id)
        .join(a, a.c.id == av.c.attribute_id)
        .where(vav.c.variant_id.in_(variant_ids))
    )
    found: dict[int, dict[str, str]] = {}
    for variant_id, name, value in connection.execute(query):
        found.setdefault(variant_id, {})[name] = value
    return found


def _export_row(row: Any, attributes: dict[str, str]) -> ExportRow:
    return ExportRow(
        product_slug=row.slug,
        product_name=row.name,
        category_slug=row.category_slug,
        description=row.description or "",
        image_url=row.image_url or "",
        product_active=bool(row.is_active),
        sku=row.sku,
        price=row.price,
        stock=row.stock,
        variant_active=None if row.variant_id is None else bool(row.variant_active),
        attributes=attributes,
    )
