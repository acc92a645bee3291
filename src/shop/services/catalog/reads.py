"""Public and admin reads of the catalog, through the CatalogQueries port (no domain, no ORM)."""

from __future__ import annotations

from shop.domain.errors import NotFound
from shop.services.catalog.ports import CatalogQueries, ProductSearch
from shop.services.common import Page, Row, check_window


def list_products(
    queries: CatalogQueries, search: ProductSearch, page: int, page_size: int
) -> Page:
    """A page of product summaries and the number that match (up to MAX_WINDOW + 1).
    Raises ValidationFailed for a page beyond the first 10,000 matches."""
    check_window(page, page_size)
    return queries.products(search, page, page_size)


def get_product(queries: CatalogQueries, product_id: int, include_inactive: bool) -> Row:
    """A product with its variants. Raises NotFound, also for a product the caller may not
    see (an inactive one, unless `include_inactive`)."""
    product = queries.product(product_id, include_inactive)
    if product is None:
        raise NotFound(f"No product with id {product_id}.")
    return product


def get_variant(queries: CatalogQueries, variant_id: int, include_inactive: bool) -> Row:
    """A variant. Raises NotFound, also for an inactive variant or one of an inactive
    product, unless `include_inactive`."""
    variant = queries.variant(variant_id, include_inactive)
    if variant is None:
        raise NotFound(f"No variant with id {variant_id}.")
    return variant


def list_categories(queries: CatalogQueries, page: int, page_size: int) -> Page:
    """A page of categories; ValidationFailed beyond the first 10,000."""
    check_window(page, page_size)
    return queries.categories(page, page_size)


def list_attributes(queries: CatalogQueries, page: int, page_size: int) -> Page:
    """A page of attributes with their values; ValidationFailed beyond the first 10,000."""
    check_window(page, page_size)
    return queries.attributes(page, page_size)
