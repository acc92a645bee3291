"""`shop seed-demo`: write the demo catalog (adapters.demo_data) with bulk Core inserts.

Idempotent: categories, attributes and values are matched by name (case-insensitively),
products by slug; only what is missing is inserted, so a second run changes nothing and a
run with more products adds just the new ones. Products are written in chunks, each chunk
(products, variants, attribute links) in one transaction, so an interrupted run leaves
whole products only and the next run completes it. 100k products take about a minute on
PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Table, func, insert, select

from shop.adapters.sql import tables as orm
from shop.adapters.sql.demo_data import ATTRIBUTES, CATEGORIES, ProductRow, products
from shop.domain.catalog.products import combination_key_of_ids, lowest_active_price, search_text_of
from shop.domain.catalog.rules import slugify
from shop.services.catalog.ports import CatalogVersion

CHUNK = 2000
DEFAULT_PRODUCTS = 60
DEFAULT_VARIANTS_PER_PRODUCT = 3


@dataclass
class SeedReport:
    categories: int = 0
    attribute_values: int = 0
    products: int = 0
    variants: int = 0

    def __str__(self) -> str:
        return (
            f"added {self.categories} categories, {self.attribute_values} attribute values, "
            f"{self.products} products and {self.variants} variants"
        )


def seed_demo(
    engine: Engine,
    version: CatalogVersion | None,
    product_count: int = DEFAULT_PRODUCTS,
    variants_per_product: int = DEFAULT_VARIANTS_PER_PRODUCT,
) -> SeedReport:
    """Insert whatever of the demo catalog is missing; bump the catalog version if anything
    was added, so that cached catalog reads show it at once."""
    report = SeedReport()
    with engine.begin() as connection:
        category_ids = _ensure_categories(connection, report)
        value_ids = _ensure_attributes(connection, report)
    now = datetime.now(UTC)
    batch: list[ProductRow] = []
    for row in products(product_count, variants_per_product):
        batch.append(row)
        if len(batch) == CHUNK:
            _write_chunk(engine, batch, category_ids, value_ids, now, report)
            batch = []
    if batch:
        _write_chunk(engine, batch, category_ids, value_ids, now, report)
    if version is not None and (report.products or report.categories or report.attribute_values):
        version.bump()
    return report


def _ensure_categories(connection: Connection, report: SeedReport) -> dict[str, int]:
    c = orm.categories
    slugs = {plan.name: slugify(plan.name) for plan in CATEGORIES}
    existing = dict(
        connection.execute(select(c.c.slug, c.c.id).where(c.c.slug.in_(slugs.values()))).all()
    )
    missing = [{"name": n, "slug": s} for n, s in slugs.items() if s not in existing]
    if missing:
        connection.execute(insert(c), missing)
        report.categories += len(missing)
        existing = dict(
            connection.execute(select(c.c.slug, c.c.id).where(c.c.slug.in_(slugs.values()))).all()
        )
    return {name: existing[slug] for name, slug in slugs.items()}


def _ensure_attributes(connection: Connection, report: SeedReport) -> dict[tuple[str, str], int]:
    """Ids of the demo attribute values, keyed by (attribute, value) as written in demo_data."""
    a, av = orm.attributes, orm.attribute_values

    def attribute_ids() -> dict[str, int]:
        rows = connection.execute(
            select(func.lower(a.c.name), a.c.id).where(
                func.lower(a.c.name).in_([n.lower() for n in ATTRIBUTES])
            )
        )
        return {name: id_ for name, id_ in rows}

    ids = attribute_ids()
    missing = [{"name": n} for n in ATTRIBUTES if n.lower() not in ids]
    if missing:
        connection.execute(insert(a), missing)
        ids = attribute_ids()

    def value_ids() -> dict[tuple[int, str], int]:
        rows = connection.execute(
            select(av.c.attribute_id, func.lower(av.c.value), av.c.id).where(
                av.c.attribute_id.in_(list(ids.values()))
            )
        )
        return {(attribute_id, value): id_ for attribute_id, value, id_ in rows}

    values = value_ids()
    new_values = [
        {"attribute_id": ids[name.lower()], "value": value}
        for name, wanted in ATTRIBUTES.items()
        for value in wanted
        if (ids[name.lower()], value.lower()) not in values
    ]
    if new_values:
        connection.execute(insert(av), new_values)
        report.attribute_values += len(new_values)
        values = value_ids()
    return {
        (name, value): values[(ids[name.lower()], value.lower())]
        for name, wanted in ATTRIBUTES.items()
        for value in wanted
    }


def _write_chunk(
    engine: Engine,
    batch: list[ProductRow],
    category_ids: dict[str, int],
    value_ids: dict[tuple[str, str], int],
    now: datetime,
    report: SeedReport,
) -> None:
    p, v, vav = orm.products, orm.variants, orm.variant_attribute_values
    with engine.begin() as connection:
        taken = set(
            connection.scalars(select(p.c.slug).where(p.c.slug.in_([r.slug for r in batch])))
        )
        new = [row for row in batch if row.slug not in taken]
        skus = [variant.sku for row in new for variant in row.variants]
        used_skus = set(_existing_skus(connection, skus))
        if not new:
            return
        product_ids = _insert_returning_ids(
            connection,
            p,
            [
                {
                    "name": row.name,
                    "slug": row.slug,
                    "description": row.description,
                    "category_id": category_ids[row.category.name],
                    "image_url": row.image_url,
                    "is_active": True,
                    # Newest first is the default sort: product 0 is the newest.
                    "created_at": now - timedelta(minutes=row.index),
                    "updated_at": now,
                    "price_from": lowest_active_price(
                        v for v in row.variants if v.sku not in used_skus
                    ),
                    "search_text": search_text_of(
                        row.name,
                        row.description,
                        [v for v in row.variants if v.sku not in used_skus],
                    ),
                }
                for row in new
            ],
        )
        variant_rows: list[dict[str, Any]] = []
        links: list[list[int]] = []
        for row, product_id in zip(new, product_ids, strict=True):
            for variant in row.variants:
                if variant.sku in used_skus:
                    continue
                value_list = [value_ids[pair] for pair in variant.attributes]
                variant_rows.append(
                    {
                        "product_id": product_id,
                        "sku": variant.sku,
                        "price": variant.price,
                        "stock": variant.stock,
                        "is_active": True,
                        "combination_key": combination_key_of_ids(value_list),
                        "created_at": now,
                    }
                )
                links.append(value_list)
        variant_ids = _insert_returning_ids(connection, v, variant_rows) if variant_rows else []
        link_rows = [
            {"variant_id": variant_id, "attribute_value_id": value_id}
            for variant_id, value_list in zip(variant_ids, links, strict=True)
            for value_id in value_list
        ]
        if link_rows:
            connection.execute(insert(vav), link_rows)
    report.products += len(new)
    report.variants += len(variant_rows)


def _existing_skus(connection: Connection, skus: list[str]) -> Iterable[str]:
    v = orm.variants
    for start in range(0, len(skus), 5000):
        yield from connection.scalars(
            select(v.c.sku).where(v.c.sku.in_(skus[start : start + 5000]))
        )


def _insert_returning_ids(
    connection: Connection, table: Table, rows: list[dict[str, Any]]
) -> list[int]:
    """Bulk insert (batched multi-row INSERTs) returning the new ids in the rows' order."""
    result = connection.execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
    )
    return [row.id for row in result]
