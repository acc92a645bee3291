"""Small factories that put catalog rows straight into the database, through the unit of work.

They skip the catalog endpoints, so tests of other features (cart, checkout) need nothing but
the domain classes::

    variant_id = make_variant(api.adapters, price="12.50", stock=3)
    variant_id = make_variant(api.adapters, attributes={"Color": "Blue", "Memory": "256GB"})
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from decimal import Decimal

from shop.adapters.sql.unit_of_work import SqlAlchemyUnitOfWork
from shop.bootstrap import Adapters
from shop.domain.catalog.products import Product, Variant
from shop.domain.catalog.taxonomy import Attribute, AttributeValue, Category

_serial = itertools.count(1)


def make_variant(
    adapters: Adapters,
    price: str | Decimal = "10.00",
    stock: int = 5,
    active: bool = True,
    *,
    product_active: bool = True,
    product_name: str | None = None,
    sku: str | None = None,
    attributes: Mapping[str, str] | None = None,
) -> int:
    """A new variant (of a new product in a new category); returns its id.

    Attributes and values named in `attributes` are created when they do not exist yet.
    """
    n = next(_serial)
    with adapters.catalog.uow() as uow:
        category = Category(name=f"Category {n}", slug=f"category-{n}")
        uow.categories.add(category)
        values = [_attribute_value(uow, name, value) for name, value in (attributes or {}).items()]
        uow.flush()
        assert category.id is not None
        product = Product(
            name=product_name or f"Product {n}",
            slug=f"product-{n}",
            category_id=category.id,
            is_active=product_active,
            created_at=adapters.clock.now(),
        )
        variant = Variant(
            sku=sku or f"SKU-{n}",
            price=Decimal(price),
            stock=stock,
            attribute_values=values,
            is_active=active,
            created_at=adapters.clock.now(),
        )
        product.add_variant(variant)
        uow.products.add(product)
        uow.commit()
    assert variant.id is not None
    return variant.id


def _attribute_value(uow: SqlAlchemyUnitOfWork, name: str, value: str) -> AttributeValue:
    attribute = uow.attributes.get_by_name(name)
    if attribute is None:
        attribute = Attribute(name=name)
        uow.attributes.add(attribute)
    return attribute.find_value(value) or attribute.add_value(value)


def set_variant(
    adapters: Adapters, variant_id: int, *, as_catalog_write: bool = True, **changes: object
) -> None:
    """Change a variant's columns (price, stock, is_active) as an admin would (a catalog
    write, which bumps the catalog version), or, with `as_catalog_write=False`, as an order
    moves stock (no bump)."""
    with adapters.catalog.uow() as uow:
        variant = uow.variants.get(variant_id)
        assert variant is not None, variant_id
        for name, value in changes.items():
            setattr(variant, name, value)
        uow.commit()
    if as_catalog_write:
        adapters.catalog.version.bump()


def set_product_active(adapters: Adapters, variant_id: int, active: bool) -> None:
    with adapters.catalog.uow() as uow:
        variant = uow.variants.get(variant_id)
        assert variant is not None
        assert variant.product_id is not None
        product = uow.products.get(variant.product_id)
        assert product is not None
        product.is_active = active
        uow.commit()
    adapters.catalog.version.bump()


def delete_variant(adapters: Adapters, variant_id: int) -> None:
    with adapters.catalog.uow() as uow:
        variant = uow.variants.get(variant_id)
        assert variant is not None
        assert variant.product_id is not None
        product = uow.products.get(variant.product_id)
        assert product is not None
        uow.products.delete(product)
        uow.commit()
    adapters.catalog.version.bump()
