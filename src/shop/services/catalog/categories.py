"""Admin use cases of categories: create, rename or re-slug, delete."""

from __future__ import annotations

from shop.domain.catalog.rules import check_name
from shop.domain.catalog.taxonomy import Category
from shop.domain.errors import Conflict, NotFound
from shop.services.catalog.changes import (
    UNSET,
    Unset,
    free_slug,
    with_slug_retries,
)
from shop.services.catalog.ports import (
    CatalogVersion,
    CategoriesUnitOfWork,
    CategoriesUnitOfWorkFactory,
    commit_catalog_change,
)


def create_category(
    uow_factory: CategoriesUnitOfWorkFactory,
    version: CatalogVersion,
    name: str,
    slug: str | None = None,
) -> Category:
    """Create a category; its slug is derived from the name (made unique) unless given.

    Raises ValidationFailed for a bad name or slug, Conflict when a given slug is taken.
    """
    name = check_name(name, "name", 120)

    def attempt() -> Category:
        with uow_factory() as uow:
            category = Category(name=name, slug=free_slug(uow.categories, slug, name))
            uow.categories.add(category)
            commit_catalog_change(uow, version)
            return category

    return with_slug_retries(slug is None, attempt)


def _category(uow: CategoriesUnitOfWork, category_id: int) -> Category:
    category = uow.categories.get(category_id)
    if category is None:
        raise NotFound(f"No category with id {category_id}.")
    return category


def update_category(
    uow_factory: CategoriesUnitOfWorkFactory,
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
            category.change_slug(free_slug(uow.categories, slug, category.name, category.slug))
        commit_catalog_change(uow, version)
        return category


def delete_category(
    uow_factory: CategoriesUnitOfWorkFactory, version: CatalogVersion, category_id: int
) -> None:
    """Delete a category. Raises NotFound, or Conflict while products are in it."""
    with uow_factory() as uow:
        category = _category(uow, category_id)
        if uow.categories.in_use(category_id):
            raise Conflict("The category still has products; move or delete them first.")
        uow.categories.delete(category)
        commit_catalog_change(uow, version)
