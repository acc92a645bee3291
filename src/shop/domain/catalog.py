"""The catalog: categories, run-time attributes, products and their variants."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from shop.domain.errors import Conflict, ValidationFailed
from shop.domain.money import to_amount

_SKU = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,63}$")
MAX_PRICE = Decimal("99999999.99")


def utcnow() -> datetime:
    return datetime.now(UTC)


def slugify(text: str) -> str:
    """ASCII, lower-case, hyphen-separated; never empty."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:80].rstrip("-") or "item"


def unique_slug(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3`... whichever is free first."""
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def normalise_sku(sku: str) -> str:
    canonical = sku.strip().upper()
    if not _SKU.match(canonical):
        raise ValidationFailed(
            {
                "sku": [
                    "Use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit."
                ]
            }
        )
    return canonical


def check_price(price: Decimal) -> Decimal:
    amount = to_amount(price)
    if amount < 0 or amount > MAX_PRICE:
        raise ValidationFailed({"price": [f"Must be between 0.00 and {MAX_PRICE}."]})
    return amount


def check_stock(stock: int) -> int:
    if stock < 0:
        raise ValidationFailed({"stock": ["Must not be negative."]})
    return stock


@dataclass(eq=False)
class Category:
    name: str
    slug: str
    id: int | None = None


@dataclass(eq=False)
class AttributeValue:
    value: str
    attribute_id: int | None = None
    id: int | None = None


@dataclass(eq=False)
class Attribute:
    name: str
    values: list[AttributeValue] = field(default_factory=list)
    id: int | None = None

    def add_value(self, value: str) -> AttributeValue:
        """Values are unique within their attribute, compared case-insensitively."""
        value = value.strip()
        if not value:
            raise ValidationFailed({"value": ["Must not be empty."]})
        if any(v.value.lower() == value.lower() for v in self.values):
            raise Conflict(f"{self.name} already has the value {value!r}.")
        new = AttributeValue(value=value)
        self.values.append(new)
        return new

    def find_value(self, value: str) -> AttributeValue | None:
        wanted = value.strip().lower()
        return next((v for v in self.values if v.value.lower() == wanted), None)


@dataclass(eq=False)
class Variant:
    sku: str
    price: Decimal
    stock: int
    attribute_values: list[AttributeValue] = field(default_factory=list)
    is_active: bool = True
    product_id: int | None = None
    combination_key: str = ""
    created_at: datetime = field(default_factory=utcnow)
    id: int | None = None

    def __post_init__(self) -> None:
        self.sku = normalise_sku(self.sku)
        self.price = check_price(self.price)
        self.stock = check_stock(self.stock)
        self.combination_key = combination_key(self.attribute_values)

    @property
    def in_stock(self) -> bool:
        return self.stock > 0


def combination_key(values: list[AttributeValue]) -> str:
    """A canonical text for a set of attribute values, unique per product in the database."""
    return ",".join(str(v) for v in sorted(v.id for v in values if v.id is not None))


@dataclass(eq=False)
class Product:
    name: str
    slug: str
    category_id: int
    description: str = ""
    image_url: str | None = None
    is_active: bool = True
    variants: list[Variant] = field(default_factory=list)
    created_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)
    id: int | None = None

    def add_variant(self, variant: Variant) -> Variant:
        """No two variants of one product share an attribute combination."""
        variant.combination_key = combination_key(variant.attribute_values)
        if any(v.combination_key == variant.combination_key for v in self.variants):
            raise Conflict(f"Product {self.name!r} already has a variant with these attributes.")
        self.variants.append(variant)
        self.touch()
        return variant

    def touch(self) -> None:
        self.updated_at = utcnow()
