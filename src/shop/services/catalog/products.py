"""Admin use cases of products: create, change, delete (or deactivate once ordered)."""

from __future__ import annotations

from shop.domain.catalog.products import Product
from shop.domain.catalog.rules import check_name
from shop.domain.errors import NotFound, ValidationFailed
from shop.services.catalog.changes import (
    UNSET,
    Unset,
    free_slug,
    with_slug_retries,
)
from shop.services.catalog.ports import (
    CatalogVersion,
    ProductRepository,
    ProductsUnitOfWork,
    ProductsUnitOfWorkFactory,
    commit_catalog_change,
)
from shop.services.common import Clock


def load_product(products: ProductRepository, product_id: int) -> Product:
    """The product `product_id`; raises NotFound."""
    product = products.get(product_id)
    if product is None:
        raise NotFound(f"No product with id {product_id}.")
    return product


def _check_category(uow: ProductsUnitOfWork, category_id: int) -> None:
    if uow.categories.get(category_id) is None:
        raise ValidationFailed({"category_id": [f"No category with id {category_id}."]})


def create_product(
    uow_factory: ProductsUnitOfWorkFactory,
    version: CatalogVersion,
    clock: Clock,
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
                slug=free_slug(uow.products, slug, name),
                category_id=category_id,
                description=description,
                image_url=image_url,
                created_at=clock.now(),
            )
            uow.products.add(product)
            commit_catalog_change(uow, version)
            return product

    return with_slug_retries(slug is None, attempt)


def update_product(
    uow_factory: ProductsUnitOfWorkFactory,
    version: CatalogVersion,
    clock: Clock,
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
        product = load_product(uow.products, product_id)
        if not isinstance(name, Unset):
            product.rename(name)
        if not isinstance(slug, Unset):
            product.change_slug(free_slug(uow.products, slug, product.name, product.slug))
        if not isinstance(description, Unset):
            product.describe(description)
        if not isinstance(category_id, Unset):
            _check_category(uow, category_id)
            product.move_to(category_id)
        if not isinstance(image_url, Unset):
            product.change_image(image_url)
        if not isinstance(is_active, Unset):
            product.set_active(is_active)
        product.touch(clock.now())
        commit_catalog_change(uow, version)
        return product


def delete_product(
    uow_factory: ProductsUnitOfWorkFactory, version: CatalogVersion, clock: Clock, product_id: int
) -> bool:
    """Delete a product, or only deactivate it when it was ever ordered (so that order
    history keeps its lines). Returns True when deleted. Raises NotFound."""
    with uow_factory() as uow:
        product = load_product(uow.products, product_id)
        deleted = not uow.products.ever_ordered(product_id)
        if deleted:
            uow.products.delete(product)
        else:
            product.deactivate()
            product.touch(clock.now())
        commit_catalog_change(uow, version)
        return deleted
