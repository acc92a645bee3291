"""How catalog entities appear in the audit log: their fields as the API shows them, and the
entry each write adds to its own transaction."""

from __future__ import annotations

from typing import Any

from shop.domain.audit import Actor, AuditEntry, Changes
from shop.domain.catalog.products import Product, Variant
from shop.domain.catalog.taxonomy import Attribute, Category
from shop.services.audit.ports import AuditedUnitOfWork
from shop.services.common import Clock


def product_fields(product: Product) -> dict[str, Any]:
    return {
        "name": product.name,
        "slug": product.slug,
        "description": product.description,
        "category_id": product.category_id,
        "image_url": product.image_url,
        "is_active": product.is_active,
    }


def variant_fields(variant: Variant) -> dict[str, Any]:
    return {
        "sku": variant.sku,
        "price": f"{variant.price:.2f}",
        "stock": variant.stock,
        "is_active": variant.is_active,
    }


def category_fields(category: Category) -> dict[str, Any]:
    return {"name": category.name, "slug": category.slug}


def attribute_fields(attribute: Attribute) -> dict[str, Any]:
    return {"name": attribute.name, "values": [v.value for v in attribute.values]}


def record(
    uow: AuditedUnitOfWork,
    actor: Actor,
    clock: Clock,
    action: str,
    entity: str,
    entity_id: int | None,
    changes: Changes,
) -> None:
    """Add the audit entry of a change to `uow`; an update that changed nothing adds none."""
    if worth_an_entry(action, changes):
        uow.audit.record(AuditEntry.of(actor, clock.now(), action, entity, entity_id, changes))


def worth_an_entry(action: str, changes: Changes) -> bool:
    """Every change is audited except an update that changed nothing."""
    return not (action == "update" and not changes)
