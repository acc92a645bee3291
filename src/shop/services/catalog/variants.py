"""Admin use cases of variants: add one to a product, change its SKU, price, stock or activity."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from shop.domain.catalog.products import Variant
from shop.domain.catalog.rules import normalise_sku
from shop.domain.catalog.taxonomy import resolve_attribute_values
from shop.domain.errors import Conflict, NotFound
from shop.services.catalog.changes import UNSET, Unset
from shop.services.catalog.ports import (
    CatalogVersion,
    VariantsUnitOfWork,
    VariantsUnitOfWorkFactory,
    commit_catalog_change,
)
from shop.services.catalog.products import load_product
from shop.services.common import Clock


def _check_sku_free(uow: VariantsUnitOfWork, sku: str, except_id: int | None = None) -> str:
    sku = normalise_sku(sku)
    if uow.variants.sku_taken(sku, except_id):
        raise Conflict(f"The SKU {sku!r} is already in use.")
    return sku


def add_variant(
    uow_factory: VariantsUnitOfWorkFactory,
    version: CatalogVersion,
    clock: Clock,
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
        product = load_product(uow.products, product_id)
        sku = _check_sku_free(uow, sku)
        values = resolve_attribute_values(attributes, uow.attributes.by_names(attributes))
        now = clock.now()
        variant = Variant(
            sku=sku,
            price=price,
            stock=stock,
            attribute_values=values,
            is_active=is_active,
            created_at=now,
        )
        product.add_variant(variant)
        product.touch(now)
        commit_catalog_change(uow, version)
        return variant


def update_variant(
    uow_factory: VariantsUnitOfWorkFactory,
    version: CatalogVersion,
    clock: Clock,
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
        product.revise_variant(
            variant,
            sku=None if isinstance(sku, Unset) else _check_sku_free(uow, sku, variant_id),
            price=None if isinstance(price, Unset) else price,
            stock=None if isinstance(stock, Unset) else stock,
            is_active=None if isinstance(is_active, Unset) else is_active,
        )
        product.touch(clock.now())
        commit_catalog_change(uow, version)
        return variant
