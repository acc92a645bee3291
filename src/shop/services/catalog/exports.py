"""The catalog CSV export: one row per variant (a product without variants is one row with
an empty sku), an `attr:<Name>` column per attribute, formula-like cells neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from shop.domain.catalog.csv_cells import format_bool, format_price, neutralise
from shop.domain.catalog.csv_rows import ATTR_PREFIX, COLUMNS
from shop.services.catalog.ports import ProductOverviewFilter, ProductSearch

ExportFilter = ProductSearch | ProductOverviewFilter
CHUNK_ROWS = 500


@dataclass(frozen=True)
class ExportRow:
    product_slug: str
    product_name: str
    category_slug: str
    description: str
    image_url: str
    product_active: bool
    sku: str | None
    price: Decimal | None
    stock: int | None
    variant_active: bool | None
    attributes: dict[str, str]


class CatalogExport(Protocol):
    def attribute_names(self) -> list[str]: ...

    def rows(self, filters: ExportFilter) -> Iterator[ExportRow]:
        """The matching products' rows, in product then variant order, streamed."""
        ...


def export_csv(export: CatalogExport, filters: ExportFilter) -> Iterator[str]:
    """The catalog CSV in chunks of text, produced as they are read (constant memory)."""
    names = export.attribute_names()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*COLUMNS, *(ATTR_PREFIX + name for name in names)])
    count = 0
    for row in export.rows(filters):
        writer.writerow([neutralise(cell) for cell in _cells(row, names)])
        count += 1
        if count % CHUNK_ROWS == 0:
            yield _take(buffer)
    yield _take(buffer)


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _cells(row: ExportRow, names: list[str]) -> list[str]:
    variant = row.sku is not None
    return [
        row.product_slug,
        row.product_name,
        row.category_slug,
        row.description,
        row.image_url,
        format_bool(row.product_active),
        row.sku or "",
        format_price(row.price) if variant and row.price is not None else "",
        str(row.stock) if variant and row.stock is not None else "",
        format_bool(bool(row.variant_active)) if variant else "",
        *(row.attributes.get(name, "") for name in names),
    ]
