"""Admin use cases of categories: create, rename or re-slug, delete."""

from __future__ import annotations

from shop.domain.audit import SYSTEM, Actor, changes_between, created, deleted
from shop.domain.catalog.rules import check_name
from shop.domain.catalog.taxonomy import Category
from shop.domain.errors import Conflict, NotFound
from shop.services.catalog.audit_fields import category_fields, record
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
from shop.services.common import SYSTEM_CLOCK, Clock


def create_category(
    uow_factory: CategoriesUnitOfWorkFactory,
    version: CatalogVersion,
    name: str,
    slug: str | None = None,
    *,
    actor: Actor = SYSTEM,
    clock: Clock = SYSTEM_CLOCK,
) -> Category:
    """Create a category; its slug is derived from the name (made unique) unless given.

    Raises ValidationFailed for a bad name or slug, Conflict when a given slug is taken.
    """
    name = check_name(name, "name", 120)

    def attempt() -> Category:
        with uow_factory() as uow:
            category = Category(name=name, slug=free_slug(uow.categories, slug, name))
            uow.categories.add(category)
            uow.flush()
            record(
                uow,
                actor,
                clock,
                "create",
                "category",
                category.id,
                created(category_fields(category)),
            )
            commit_catalog_change(uow, version)
            return category

    return with_slug_retries(slug is None, attempt)


def _category(
    uow: CategoriesUnitOfWork, category_id: int, expected_version: int | None
) -> Category:
    """The category, locked until the commit and still at `expected_version` (when given)."""
    category = uow.categories.get(category_id, for_update=True)
    if category is None:
        raise NotFound(f"No category with id {category_id}.")
    category.check_version(expected_version)
    return category


def update_category(
    uow_factory: CategoriesUnitOfWorkFactory,
    version: CatalogVersion,
    category_id: int,
    name: str | Unset = UNSET,
    slug: str | Unset = UNSET,
    *,
    expected_version: int | None = None,
    actor: Actor = SYSTEM,
    clock: Clock = SYSTEM_CLOCK,
) -> Category:
    """Rename a category and/or change its slug (the slug never changes by itself).

    Raises NotFound, ValidationFailed, or Conflict when the new slug is taken or the category
    is no longer at `expected_version` (when given).
    """
    with uow_factory() as uow:
        category = _category(uow, category_id, expected_version)
        before = category_fields(category)
        if not isinstance(name, Unset):
            category.rename(name)
        if not isinstance(slug, Unset):
            category.change_slug(free_slug(uow.categories, slug, category.name, category.slug))
        changes = changes_between(before, category_fields(category))
        if changes:
            category.touch()
        record(uow, actor, clock, "update", "category", category_id, changes)
        commit_catalog_change(uow, version)
        return category


def delete_category(
    uow_factory: CategoriesUnitOfWorkFactory,
    version: CatalogVersion,
    category_id: int,
    *,
    expected_version: int | None = None,
    actor: Actor = SYSTEM,
    clock: Clock = SYSTEM_CLOCK,
) -> None:
    """Delete a category. Raises NotFound, or Conflict while products are in it or when it
    is no longer at `expected_version` (when given)."""
    with uow_factory() as uow:
        category = _category(uow, category_id, expected_version)
        if uow.categories.in_use(category_id):
            raise Conflict("The category still has products; move or delete them first.")
        uow.categories.delete(category)
        fields = deleted(category_fields(category))
        record(uow, actor, clock, "delete", "category", category_id, fields)
        commit_catalog_change(uow, version)
