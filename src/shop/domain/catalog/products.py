"""Products and their variants: the aggregate that keeps a product's derived fields true."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from shop.domain.catalog.rules import (
    MAX_PRODUCT_NAME,
    check_name,
    check_price,
    check_slug,
    check_stock,
    check_version,
    normalise_sku,
)
from shop.domain.catalog.taxonomy import AttributeValue
from shop.domain.errors import Conflict


class Priced(Protocol):
    @property
    def price(self) -> Decimal: ...

    @property
    def is_active(self) -> bool: ...


def lowest_active_price(variants: Iterable[Priced]) -> Decimal | None:
    """What a product is sold "from": its cheapest active variant's price."""
    return min((v.price for v in variants if v.is_active), default=None)


class Listed(Protocol):
    @property
    def sku(self) -> str: ...

    @property
    def is_active(self) -> bool: ...


def search_text_of(name: str, description: str, variants: Iterable[Listed]) -> str:
    """What `q` searches: name, description and active variant SKUs, lower-cased, in one text
    (one trigram index serves it, so the planner can weigh a search term as a whole)."""
    skus = (v.sku for v in variants if v.is_active)
    return " ".join([name, description, *skus]).lower()


def combination_key(values: Iterable[AttributeValue]) -> str:
    """A canonical text for a set of attribute values, unique per product in the database."""
    return combination_key_of_ids(v.id for v in values if v.id is not None)


def combination_key_of_ids(value_ids: Iterable[int]) -> str:
    """The same key from attribute value ids (for bulk loads that skip the entities)."""
    return ",".join(str(i) for i in sorted(set(value_ids)))


@dataclass(eq=False)
class Variant:
    sku: str
    price: Decimal
    stock: int
    attribute_values: list[AttributeValue] = field(default_factory=list)
    is_active: bool = True
    product_id: int | None = None
    combination_key: str = ""
    created_at: datetime = field(kw_only=True)
    id: int | None = None

    def __post_init__(self) -> None:
        self.sku = normalise_sku(self.sku)
        self.price = check_price(self.price)
        self.stock = check_stock(self.stock)
        self.combination_key = combination_key(self.attribute_values)

    @property
    def in_stock(self) -> bool:
        return self.stock > 0

    def change_price(self, price: Decimal) -> None:
        self.price = check_price(price)

    def change_stock(self, stock: int) -> None:
        self.stock = check_stock(stock)

    def change_sku(self, sku: str) -> None:
        """Only the format is checked here; uniqueness across the shop needs the repository."""
        self.sku = normalise_sku(sku)


@dataclass(eq=False)
class Product:
    name: str
    slug: str
    category_id: int
    description: str = ""
    image_url: str | None = None
    is_active: bool = True
    variants: list[Variant] = field(default_factory=list)
    created_at: datetime = field(kw_only=True)
    updated_at: datetime = field(init=False)  # the time of the last write: see touch()
    # The lowest price of an active variant (None without one), kept with the product so
    # that lists sort and show it without aggregating variants; and the text `q` searches
    # (search_text_of). Every method that changes what they derive from refreshes them.
    price_from: Decimal | None = None
    search_text: str = ""
    # Counts the writes to the product and its variants: a form that shows version N may
    # save only while the product is still at N (check_version).
    version: int = field(default=1, kw_only=True)
    id: int | None = None

    def __post_init__(self) -> None:
        self.name = check_name(self.name, "name", MAX_PRODUCT_NAME)
        self.slug = check_slug(self.slug)
        self.description = self.description.strip()
        self.updated_at = self.created_at
        self.refresh_derived()

    def add_variant(self, variant: Variant) -> Variant:
        """No two variants of one product share an attribute combination."""
        variant.combination_key = combination_key(variant.attribute_values)
        if any(v.combination_key == variant.combination_key for v in self.variants):
            raise Conflict(f"Product {self.name!r} already has a variant with these attributes.")
        self.variants.append(variant)
        self.refresh_derived()
        return variant

    def revise_variant(
        self,
        variant: Variant,
        *,
        sku: str | None = None,
        price: Decimal | None = None,
        stock: int | None = None,
        is_active: bool | None = None,
    ) -> None:
        """Change one of this product's variants (None leaves a field as it is)."""
        if not any(v is variant for v in self.variants):
            raise ValueError(f"variant {variant.id} is not one of product {self.id}'s")
        if sku is not None:
            variant.change_sku(sku)
        if price is not None:
            variant.change_price(price)
        if stock is not None:
            variant.change_stock(stock)
        if is_active is not None:
            variant.is_active = is_active
        self.refresh_derived()

    def refresh_derived(self) -> None:
        """Recompute what is stored for lists and search from the name, the description and
        the variants."""
        self.price_from = lowest_active_price(self.variants)
        self.search_text = search_text_of(self.name, self.description, self.variants)

    def rename(self, name: str) -> None:
        self.name = check_name(name, "name", MAX_PRODUCT_NAME)
        self.refresh_derived()

    def change_slug(self, slug: str) -> None:
        self.slug = check_slug(slug)

    def describe(self, description: str) -> None:
        self.description = description.strip()
        self.refresh_derived()

    def move_to(self, category_id: int) -> None:
        """Put the product in another category (the caller checks that it exists)."""
        self.category_id = category_id

    def change_image(self, image_url: str | None) -> None:
        self.image_url = image_url

    def set_active(self, active: bool) -> None:
        self.is_active = active

    def deactivate(self) -> None:
        """Hide the product from customers while keeping it (and its order history)."""
        self.set_active(False)

    def check_version(self, expected: int | None) -> None:
        """Refuse a write based on an older reading of the product (None: no check)."""
        check_version(f"Product {self.name!r}", expected, self.version)

    def touch(self, at: datetime) -> None:
        """Record that a write changed the product at `at` (the use case's clock)."""
        self.updated_at = at
        self.version += 1
