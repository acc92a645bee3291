"""Applying valid import rows to the catalog inside one unit of work, batch by batch.

Each batch loads what its rows name in a few statements (products with their variants by
slug, SKU owners, categories, attributes), changes the entities through the domain's own
methods (the rules of single edits), writes, audits and releases them. A row the rules
refuse is reported and left out; the caller decides whether to commit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from shop.domain.audit import Actor, Change, Changes, changes_between, created
from shop.domain.catalog.csv_rows import CatalogRow, RowError, VariantRow
from shop.domain.catalog.products import Product, Variant
from shop.domain.catalog.taxonomy import Attribute, Category, resolve_attribute_values
from shop.domain.errors import Conflict, ValidationFailed
from shop.services.catalog.audit_fields import product_fields, variant_fields, worth_an_entry
from shop.services.catalog.imports.ports import ImportUnitOfWork, Outcome
from shop.services.catalog.imports.row_rules import (
    StockChange,
    category_name,
    check_same_attributes,
    field_message,
    move_stock,
)
from shop.services.common import Clock

Audit = Callable[[], tuple[str, str, int | None, Changes]]


class CatalogRows:
    """Applies rows to `uow`; `seen_stock` (SKU -> stock) is filled by a dry run and, when
    given to an apply, makes stock move by the file's difference from what the dry run saw,
    so that sales in between are kept."""

    def __init__(
        self,
        uow: ImportUnitOfWork,
        clock: Clock,
        actor: Actor,
        reason: str,
        seen_stock: dict[str, int],
        applying: bool,
    ) -> None:
        self.uow, self.clock, self.actor, self.reason = uow, clock, actor, reason
        self.seen_stock, self.applying = seen_stock, applying
        self.skus_in_file: dict[str, int] = {}

    def apply(self, rows: Sequence[CatalogRow]) -> list[tuple[Outcome, list[RowError]]]:
        keys = self.uow.catalog_by_key
        products = keys.products_by_slug({r.product_slug for r in rows}, lock=self.applying)
        owners = keys.sku_owners({r.variant.sku for r in rows if r.variant})
        categories = self._categories({r.category_slug for r in rows})
        attributes = self._attributes(rows)
        self.uow.flush()
        audits: list[Audit] = []
        stock: list[StockChange] = []
        outcomes: list[tuple[Outcome, list[RowError]]] = []
        for row in rows:
            try:
                outcome = self._row(row, products, owners, categories, attributes, audits, stock)
                outcomes.append((outcome, []))
            except (ValidationFailed, Conflict) as exc:
                outcomes.append((Outcome.ERROR, [RowError(row.row, *field_message(exc))]))
        self.uow.flush()
        changes = [Change(*audit()) for audit in audits]
        self.uow.audit.record_many(
            self.actor,
            self.clock.now(),
            [c for c in changes if worth_an_entry(c.action, c.changes)],
        )
        position = {row.row: index for index, row in enumerate(rows)}
        for change in stock:
            problem = move_stock(self.uow, self.clock, self.actor, self.reason, change)
            if problem is not None:
                outcomes[position[change.row]] = (Outcome.ERROR, [problem])
        keys.release()
        return outcomes

    def _categories(self, slugs: set[str]) -> dict[str, Category]:
        found = self.uow.catalog_by_key.categories_by_slug(slugs)
        for slug in sorted(slugs - set(found)):
            category = Category(name=category_name(slug), slug=slug)
            self.uow.categories.add(category)
            found[slug] = category
        return found

    def _attributes(self, rows: Sequence[CatalogRow]) -> dict[str, Attribute]:
        wanted: dict[str, set[str]] = {}
        for row in rows:
            for name, value in (row.variant.attributes if row.variant else {}).items():
                wanted.setdefault(name, set()).add(value)
        known = self.uow.attributes.by_names(wanted)
        for name, values in wanted.items():
            attribute = known.get(name.lower())
            if attribute is None:
                attribute = Attribute(name=name)
                self.uow.attributes.add(attribute)
                known[name.lower()] = attribute
            for value in sorted(values):
                if attribute.find_value(value) is None:
                    attribute.add_value(value)
        return known

    def _row(
        self,
        row: CatalogRow,
        products: dict[str, Product],
        owners: dict[str, str],
        categories: dict[str, Category],
        attributes: dict[str, Attribute],
        audits: list[Audit],
        stock: list[StockChange],
    ) -> Outcome:
        variant_row = row.variant
        if variant_row is not None:
            first = self.skus_in_file.setdefault(variant_row.sku, row.row)
            if first != row.row:
                raise Conflict(f"sku: {variant_row.sku!r} is already used in row {first}")
            owner = owners.get(variant_row.sku)
            if owner is not None and owner != row.product_slug:
                raise Conflict(f"sku: {variant_row.sku!r} belongs to product {owner!r}")
        category = categories[row.category_slug]
        product = products.get(row.product_slug)
        if product is None:
            product = self._new_product(row, category, audits)
            products[row.product_slug] = product
            outcome = Outcome.CREATE
        else:
            outcome = self._revise_product(row, product, category, audits)
        if variant_row is None:
            return outcome
        existing = next((v for v in product.variants if v.sku == variant_row.sku), None)
        if existing is None:
            self._new_variant(variant_row, product, attributes, audits)
            product.touch(self.clock.now())
            return Outcome.CREATE
        check_same_attributes(variant_row, existing, attributes)
        changed = self._revise_variant(row.row, variant_row, product, existing, audits, stock)
        return Outcome.UPDATE if changed or outcome is Outcome.UPDATE else outcome

    def _new_product(self, row: CatalogRow, category: Category, audits: list[Audit]) -> Product:
        product = Product(
            name=row.product_name,
            slug=row.product_slug,
            category_id=category.id or 0,
            description=row.description or "",
            image_url=row.image_url or None,
            is_active=True if row.product_active is None else row.product_active,
            created_at=self.clock.now(),
        )
        self.uow.products.add(product)
        audits.append(lambda: ("create", "product", product.id, created(product_fields(product))))
        return product

    def _revise_product(
        self, row: CatalogRow, product: Product, category: Category, audits: list[Audit]
    ) -> Outcome:
        before = product_fields(product)
        if row.product_name != product.name:
            product.rename(row.product_name)
        if row.description is not None and row.description != product.description:
            product.describe(row.description)
        if category.id != product.category_id:
            product.move_to(category.id or 0)
        if row.image_url is not None and (row.image_url or None) != product.image_url:
            product.change_image(row.image_url or None)
        if row.product_active is not None and row.product_active != product.is_active:
            product.set_active(row.product_active)
        changes = changes_between(before, product_fields(product))
        if not changes:
            return Outcome.UNCHANGED
        product.touch(self.clock.now())
        action = "deactivate" if changes.get("is_active") == [True, False] else "update"
        audits.append(lambda: (action, "product", product.id, changes))
        return Outcome.UPDATE

    def _new_variant(
        self,
        row: VariantRow,
        product: Product,
        attributes: dict[str, Attribute],
        audits: list[Audit],
    ) -> None:
        values = resolve_attribute_values(row.attributes, attributes)
        variant = Variant(
            sku=row.sku,
            price=row.price,
            stock=row.stock,
            attribute_values=values,
            is_active=True if row.is_active is None else row.is_active,
            created_at=self.clock.now(),
        )
        product.add_variant(variant)
        fields = {**variant_fields(variant), "attributes": dict(row.attributes)}
        audits.append(
            lambda: ("create", "variant", variant.id, created({"product_id": product.id, **fields}))
        )

    def _revise_variant(
        self,
        line: int,
        row: VariantRow,
        product: Product,
        variant: Variant,
        audits: list[Audit],
        stock: list[StockChange],
    ) -> bool:
        before = variant_fields(variant)
        product.revise_variant(
            variant,
            price=row.price if row.price != variant.price else None,
            is_active=row.is_active if row.is_active != variant.is_active else None,
        )
        changes = changes_between(before, variant_fields(variant))
        if changes:
            product.touch(self.clock.now())
            action = "deactivate" if changes.get("is_active") == [True, False] else "update"
            audits.append(lambda: (action, "variant", variant.id, changes))
        delta = self._stock_delta(row, variant)
        if delta:
            stock.append(StockChange(variant, line, delta))
        return bool(changes) or delta != 0

    def _stock_delta(self, row: VariantRow, variant: Variant) -> int:
        if not self.applying:
            if row.stock != variant.stock:
                self.seen_stock[row.sku] = variant.stock
            return row.stock - variant.stock
        seen = self.seen_stock.get(row.sku)
        return 0 if seen is None else row.stock - seen
