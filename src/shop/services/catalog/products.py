"""Catalog use cases: admin writes through the domain and the unit of work, public reads
through the CatalogQueries port.

Every write bumps the catalog version (the key of every cached catalog response) twice:
before the commit, so that a write is refused with nothing written while the shared version
store is down (ServiceUnavailable, a 503), and after it, so that entries cached while the
transaction was committing are retired too. Once the write has returned, every process
reads the new version and so the new data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from decimal import Decimal
from enum import Enum
from typing import Final, Protocol, TypeVar

from shop.domain.catalog.products import (
    MAX_ATTRIBUTE_TEXT,
    Attribute,
    AttributeValue,
    Category,
    Product,
    Variant,
    check_name,
    check_slug,
    normalise_sku,
    resolve_attribute_values,
    slugify,
    unique_slug,
)
from shop.domain.errors import Conflict, NotFound, ServiceUnavailable, ValidationFailed
from shop.services.common import (
    CatalogQueries,
    CatalogVersion,
    ProductSearch,
    Row,
    UnitOfWork,
    UnitOfWorkFactory,
)

log = logging.getLogger(__name__)

SLUG_ATTEMPTS = 3  # a derived slug taken by a concurrent write is derived again


class Unset(Enum):
    """A field a partial update leaves alone (unlike None, which may be a value)."""

    UNSET = "unset"


UNSET: Final = Unset.UNSET
T = TypeVar("T")


def commit_catalog_change(uow: UnitOfWork, version: CatalogVersion) -> None:
    """Commit a catalog write so that no process serves the old catalog afterwards."""
    version.bump()
    uow.commit()
    try:
        version.bump()
    except ServiceUnavailable:
        # The write is durable; entries cached during the commit expire within the
        # stock-staleness TTL at the latest.
        log.error("catalog version not bumped after a committed write; caches may lag")


def _with_slug_retries(derived: bool, attempt: Callable[[], T]) -> T:
    """Run `attempt` again when a derived slug lost a race with a concurrent write."""
    for remaining in reversed(range(SLUG_ATTEMPTS)):
        try:
            return attempt()
        except Conflict:
            if not derived or remaining == 0:
                raise
    raise AssertionError("unreachable")


class _Slugs(Protocol):
    def slugs_like(self, base: str) -> set[str]: ...


def _free_slug(slugs: _Slugs, wanted: str | None, name: str, current: str | None = None) -> str:
    """`wanted` if free (or already this entity's), else Conflict; without one, a slug derived
    from `name` and made unique."""
    if wanted is None:
        base = slugify(name)
        return unique_slug(base, slugs.slugs_like(base))
    wanted = check_slug(wanted)
    if wanted != current and wanted in slugs.slugs_like(wanted):
        raise Conflict(f"The slug {wanted!r} is already in use.")
    return wanted


# Categories ---------------------------------------------------------------------------------


def create_category(
    uow_factory: UnitOfWorkFactory, version: CatalogVersion, name: str, slug: str | None = None
) -> Category:
    """Create a category; its slug is derived from the name (made unique) unless given.

    Raises ValidationFailed for a bad name or slug, Conflict when a given slug is taken.
    """
    name = check_name(name, "name", 120)

    def attempt() -> Category:
        with uow_factory() as uow:
            category = Category(name=name, slug=_free_slug(uow.categories, slug, name))
            uow.categories.add(category)
            commit_catalog_change(uow, version)
            return category

    return _with_slug_retries(slug is None, attempt)


def _category(uow: UnitOfWork, category_id: int) -> Category:
    category = uow.categories.get(category_id)
    if category is None:
        raise NotFound(f"No category with id {category_id}.")
    return category


def update_category(
    uow_factory: UnitOfWorkFactory,
    version: CatalogVersion,
    category_id: int,
    name: str | Unset = UNSET,
    slug: str | Unset = UNSET,
) -> Category:
    """Rename a category and/or change its slug (the slug never changes by itself).

    Raises NotFound, ValidationFailed, or Conflict when the new slug is taken.
    """
    with uow_factory() as uow:
        category = _category(uow, category_id)
        if not isinstance(name, Unset):
            category.rename(name)
        if not isinstance(slug, Unset):
            category.change_slug(_free_slug(uow.categories, slug, category.name, category.slug))
        commit_catalog_change(uow, version)
        return category


def delete_category(
    uow_factory: UnitOfWorkFactory, version: CatalogVersion, category_id: int
) -> None:
    """Delete a category. Raises NotFound, or Conflict while products are in it."""
    with uow_factory() as uow:
        category = _category(uow, category_id)
        if uow.categories.in_use(category_id):
            raise Conflict("The category still has products; move or delete them first.")
        uow.categories.delete(category)
        commit_catalog_change(uow, version)


# Attributes ---------------------------------------------------------------------------------


def create_attribute(
    uow_factory: UnitOfWorkFactory, version: CatalogVersion, name: str
) -> Attribute:
    """Create an attribute such as Color. Raises Conflict if the name exists in any case."""
    name = check_name(name, "name", MAX_ATTRIBUTE_TEXT)
    with uow_factory() as uow:
        if uow.attributes.get_by_name(name) is not None:
            raise Conflict(f"An attribute named {name!r} already exists.")
        attribute = Attribute(name=name)
        uow.attributes.add(attribute)
        commit_catalog_change(uow, version)
        return attribute


def add_attribute_value(
    uow_factory: UnitOfWorkFactory, version: CatalogVersion, attribute_id: int, value: str
) -> AttributeValue:
    """Add a value such as Blue to an attribute.

    Raises NotFound, ValidationFailed, or Conflict if the attribute has it in any case.
    """
    with uow_factory() as uow:
        attribute = uow.attributes.get(attribute_id)
        if attribute is None:
            raise NotFound(f"No attribute with id {attribute_id}.")
        new = attribute.add_value(value)
        commit_catalog_change(uow, version)
        return new


# Products -----------------------------------------------------------------------------------


def _product(uow: UnitOfWork, product_id: int) -> Product:
    product = uow.products.get(product_id)
    if product is None:
        raise NotFound(f"No product with id {product_id}.")
    return product


def _check_category(uow: UnitOfWork, category_id: int) -> None:
    if uow.categories.get(category_id) is None:
        raise ValidationFailed({"category_id": [f"No category with id {category_id}."]})


def create_product(
    uow_factory: UnitOfWorkFactory,
    version: CatalogVersion,
    *,
    name: str,
    category_id: int,
    slug: str | None = None,
    description: str = "",
    image_url: str | None = None,
) -> Product:
    """Create a product (without variants yet); the slug is derived unless given.

    Raises ValidationFailed (bad field, unknown category) or Conflict (given slug taken).
    """
    name = check_name(name, "name", 200)

    def attempt() -> Product:
        with uow_factory() as uow:
            _check_category(uow, category_id)
            product = Product(
                name=name,
                slug=_free_slug(uow.products, slug, name),
                category_id=category_id,
                description=description,
                image_url=image_url,
            )
            uow.products.add(product)
            commit_catalog_change(uow, version)
            return product

    return _with_slug_retries(slug is None, attempt)


def update_product(
    uow_factory: UnitOfWorkFactory,
    version: CatalogVersion,
    product_id: int,
    *,
    name: str | Unset = UNSET,
    slug: str | Unset = UNSET,
    description: str | Unset = UNSET,
    category_id: int | Unset = UNSET,
    image_url: str | None | Unset = UNSET,
    is_active: bool | Unset = UNSET,
) -> Product:
    """Change the given fields of a product; the slug changes only when given.

    Raises NotFound, ValidationFailed, or Conflict when the new slug is taken.
    """
    with uow_factory() as uow:
        product = _product(uow, product_id)
        if not isinstance(name, Unset):
            product.rename(name)
        if not isinstance(slug, Unset):
            product.change_slug(_free_slug(uow.products, slug, product.name, product.slug))
        if not isinstance(description, Unset):
            product.describe(description)
        if not isinstance(category_id, Unset):
            _check_category(uow, category_id)
            product.category_id = category_id
        if not isinstance(image_url, Unset):
            product.image_url = image_url
        if not isinstance(is_active, Unset):
            product.set_active(is_active)
        product.touch()
        commit_catalog_change(uow, version)
        return product


def delete_product(
    uow_factory: UnitOfWorkFactory, version: CatalogVersion, product_id: int
) -> bool:
    """Delete a product, or only deactivate it when it was ever ordered (so that order
    history keeps its lines). Returns True when deleted. Raises NotFound."""
    with uow_factory() as uow:
        product = _product(uow, product_id)
        deleted = not uow.products.ever_ordered(product_id)
        if deleted:
            uow.products.delete(product)
        else:
            product.deactivate()
        commit_catalog_change(uow, version)
        return deleted


# Variants -----------------------------------------------------------------------------------


def _check_sku_free(uow: UnitOfWork, sku: str, except_id: int | None = None) -> str:
    sku = normalise_sku(sku)
    if uow.variants.sku_taken(sku, except_id):
        raise Conflict(f"The SKU {sku!r} is already in use.")
    return sku


def add_variant(
    uow_factory: UnitOfWorkFactory,
    version: CatalogVersion,
    product_id: int,
    *,
    sku: str,
    price: Decimal,
    stock: int,
    attributes: Mapping[str, str],
    is_active: bool = True,
) -> Variant:
    """Add a variant with attributes given by name, e.g. {"Color": "Blue"}.

    Raises NotFound (product), ValidationFailed (bad field, or an unknown attribute or value,
    each named), or Conflict (SKU used anywhere in the shop, or the product already has a
    variant with this attribute combination).
    """
    with uow_factory() as uow:
        product = _product(uow, product_id)
        sku = _check_sku_free(uow, sku)
        values = resolve_attribute_values(attributes, uow.attributes.by_names(attributes))
        variant = Variant(
            sku=sku, price=price, stock=stock, attribute_values=values, is_active=is_active
        )
        product.add_variant(variant)
        commit_catalog_change(uow, version)
        return variant


def update_variant(
    uow_factory: UnitOfWorkFactory,
    version: CatalogVersion,
    variant_id: int,
    *,
    sku: str | Unset = UNSET,
    price: Decimal | Unset = UNSET,
    stock: int | Unset = UNSET,
    is_active: bool | Unset = UNSET,
) -> Variant:
    """Change a variant's SKU, price, stock or activity (never below zero).

    Raises NotFound, ValidationFailed, or Conflict when the new SKU is taken.
    """
    with uow_factory() as uow:
        variant = uow.variants.get(variant_id)
        product = uow.products.get(variant.product_id) if variant and variant.product_id else None
        if variant is None or product is None:
            raise NotFound(f"No variant with id {variant_id}.")
        if not isinstance(sku, Unset):
            variant.change_sku(_check_sku_free(uow, sku, except_id=variant_id))
        if not isinstance(price, Unset):
            variant.change_price(price)
        if not isinstance(stock, Unset):
            variant.change_stock(stock)
        if not isinstance(is_active, Unset):
            variant.is_active = is_active
        product.refresh_derived()
        product.touch()
        commit_catalog_change(uow, version)
        return variant


# Reads --------------------------------------------------------------------------------------


def list_products(
    queries: CatalogQueries, search: ProductSearch, page: int, page_size: int
) -> tuple[list[Row], int]:
    """A page of product summaries and the total number that match."""
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


def list_categories(queries: CatalogQueries, page: int, page_size: int) -> tuple[list[Row], int]:
    return queries.categories(page, page_size)


def list_attributes(queries: CatalogQueries, page: int, page_size: int) -> tuple[list[Row], int]:
    return queries.attributes(page, page_size)
