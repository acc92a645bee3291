"""The rules of import rows beyond the domain's: an existing variant keeps its attribute
values, categories an import creates are named after their slug, stock moves relatively, and
a refused row is reported as a column and a message."""

from __future__ import annotations

from dataclasses import dataclass

from shop.domain.audit import Actor, Changes
from shop.domain.catalog.csv_rows import RowError, VariantRow
from shop.domain.catalog.products import Variant
from shop.domain.catalog.stock import StockAdjustment
from shop.domain.catalog.taxonomy import Attribute
from shop.domain.errors import Conflict, ValidationFailed
from shop.services.catalog.audit_fields import record
from shop.services.catalog.imports.ports import ImportUnitOfWork
from shop.services.common import Clock


@dataclass
class StockChange:
    variant: Variant
    row: int
    delta: int


def category_name(slug: str) -> str:
    """A name for a category an import creates from its slug: "summer-shoes" -> "Summer shoes"."""
    return slug.replace("-", " ").capitalize()


def move_stock(
    uow: ImportUnitOfWork, clock: Clock, actor: Actor, reason: str, change: StockChange
) -> RowError | None:
    """Move a variant's stock by the change's delta in one guarded update, with its ledger
    row and audit entry; the row's error when the stock would go below zero."""
    variant_id = change.variant.id or 0
    after = uow.stock_ledger.apply_delta(variant_id, change.delta)
    if after is None:
        available = uow.stock_ledger.stock_of(variant_id)
        return RowError(
            change.row,
            "stock",
            f"only {available} left now; removing {-change.delta} would go below zero",
        )
    uow.stock_ledger.add(
        StockAdjustment(
            variant_id=variant_id,
            delta=change.delta,
            reason=reason,
            stock_after=after,
            actor_id=actor.user_id,
            created_at=clock.now(),
        )
    )
    changes: Changes = {
        "stock": [after - change.delta, after],
        "reason": [None, reason],
    }
    record(uow, actor, clock, "stock", "variant", variant_id, changes)
    return None


def check_same_attributes(
    row: VariantRow, variant: Variant, attributes: dict[str, Attribute]
) -> None:
    """An existing variant keeps its attribute values (another combination is another SKU)."""
    have = {(v.attribute_id, v.value.lower()) for v in variant.attribute_values}
    wanted = {
        (attributes[name.lower()].id, value.lower()) for name, value in row.attributes.items()
    }
    if have != wanted:
        shown = ", ".join(f"{v.value}" for v in variant.attribute_values) or "none"
        raise ValidationFailed(
            {
                "attributes": [
                    f"SKU {variant.sku} has the values {shown}; an import cannot change a "
                    "variant's attribute values (give the new combination a new SKU)"
                ]
            }
        )


def field_message(exc: ValidationFailed | Conflict) -> tuple[str, str]:
    if isinstance(exc, ValidationFailed):
        field, messages = next(iter(exc.errors.items()), ("row", [exc.detail]))
        return field, messages[0] if messages else exc.detail
    field, sep, message = exc.detail.partition(": ")
    if sep and field in ("sku", "product_slug"):
        return field, message
    return "row", exc.detail
