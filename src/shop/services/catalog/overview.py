"""The console's admin reads of the catalog."""

from __future__ import annotations

from shop.services.catalog.ports import CatalogOverview, ProductOverviewFilter
from shop.services.common import Page, Row


def product_overview(
    queries: CatalogOverview, filters: ProductOverviewFilter, page: int, page_size: int
) -> Page:
    """Products (inactive ones too) with their stock range, newest first, and the total."""
    return queries.product_overview(filters, page, page_size)


def low_stock(queries: CatalogOverview, limit: int) -> list[Row]:
    """Active variants running out, fewest units first."""
    return queries.low_stock(limit)
