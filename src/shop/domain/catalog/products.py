"""The catalog: categories, run-time attributes, products and their variants."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Protocol

from shop.domain.errors import Conflict, ValidationFailed
from shop.domain.money import to_amount

_SKU = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,63}$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_PRICE = Decimal("99999999.99")
SLUG_BASE_LENGTH = 80  # leaves room for a "-N" suffix within MAX_SLUG_LENGTH
MAX_SLUG_LENGTH = 120
MAX_CATEGORY_NAME = 120
MAX_PRODUCT_NAME = 200
MAX_ATTRIBUTE_TEXT = 60


def utcnow() -> datetime:
    return datetime.now(UTC)


def slugify(text: str) -> str:
    """ASCII, lower-case, hyphen-separated; never empty."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:SLUG_BASE_LENGTH].rstrip("-") or "item"


def unique_slug(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3`... whichever is free first."""
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def check_slug(slug: str) -> str:
    """A slug given explicitly must already be in canonical form (no silent rewriting)."""
    slug = slug.strip()
    if len(slug) > MAX_SLUG_LENGTH or not _SLUG.match(slug):
        raise ValidationFailed(
            {
                "slug": [
                    f"Use 1 to {MAX_SLUG_LENGTH} lower-case letters, digits and single hyphens, "
                    "e.g. 'summer-shoes'."
                ]
            }
        )
    return slug


def check_name(value: str, field_name: str, max_length: int) -> str:
    """Names are trimmed, never empty and at most `max_length` characters."""
    value = value.strip()
    if not value:
        raise ValidationFailed({field_name: ["Must not be empty."]})
    if len(value) > max_length:
        raise ValidationFailed({field_name: [f"Use at most {max_length} characters."]})
    return value


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
    try:
        amount = to_amount(price)
    except ValidationFailed:
        raise ValidationFailed({"price": ["Not a valid amount."]}) from None
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

    def __post_init__(self) -> None:
        self.name = check_name(self.name, "name", MAX_CATEGORY_NAME)
        self.slug = check_slug(self.slug)

    def rename(self, name: str) -> None:
        self.name = check_name(name, "name", MAX_CATEGORY_NAME)

    def change_slug(self, slug: str) -> None:
        self.slug = check_slug(slug)


@dataclass(eq=False)
class AttributeValue:
    value: str
    attribute_id: int | None = None
    id: int | None = None


@dataclass(eq=False)
class Attribute:
    """A run-time attribute such as Color or Memory; its names compare case-insensitively."""

    name: str
    values: list[AttributeValue] = field(default_factory=list)
    id: int | None = None

    def __post_init__(self) -> None:
        self.name = check_name(self.name, "name", MAX_ATTRIBUTE_TEXT)

    def add_value(self, value: str) -> AttributeValue:
        """Values are unique within their attribute, compared case-insensitively."""
        value = check_name(value, "value", MAX_ATTRIBUTE_TEXT)
        if self.find_value(value) is not None:
            raise Conflict(f"{self.name} already has the value {value!r}.")
        new = AttributeValue(value=value, attribute_id=self.id)
        self.values.append(new)
        return new

    def find_value(self, value: str) -> AttributeValue | None:
        wanted = value.strip().lower()
        return next((v for v in self.values if v.value.lower() == wanted), None)


def resolve_attribute_values(
    requested: Mapping[str, str], known: Mapping[str, Attribute]
) -> list[AttributeValue]:
    """The attribute values a variant asks for by name, e.g. {"Color": "Blue"}.

    `known` maps lower-cased attribute names to attributes. Every unknown name or value is
    named in the ValidationFailed; naming one attribute twice (in any case) is refused too.
    """
    problems: list[str] = []
    seen: set[str] = set()
    chosen: list[AttributeValue] = []
    for name, value in requested.items():
        key = name.strip().lower()
        if key in seen:
            problems.append(f"Attribute {name!r} is given more than once.")
            continue
        seen.add(key)
        attribute = known.get(key)
        if attribute is None:
            problems.append(f"Unknown attribute {name!r}.")
            continue
        found = attribute.find_value(value)
        if found is None:
            problems.append(f"Unknown value {value!r} for attribute {attribute.name!r}.")
            continue
        chosen.append(found)
    if problems:
        raise ValidationFailed({"attributes": problems})
    return chosen


class Priced(Protocol):
    @property
    def price(self) -> Decimal: ...

    @property
    def is_active(self) -> bool: ...


def lowest_active_price(variants: Iterable[Priced]) -> Decimal | None:
    """What a product is sold "from": its cheapest active variant's price."""
    return min((v.price for v in variants if v.is_active), default=None)


class Listed(Protocol):
    sku: str
    is_active: bool


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
    created_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)
    # The lowest price of an active variant (None without one), kept with the product so
    # that lists sort and show it without aggregating variants. Call refresh_price_from()
    # after changing a variant's price or activity.
    price_from: Decimal | None = None
    # Derived too: the text `q` searches (search_text_of); kept by refresh_derived().
    search_text: str = ""
    id: int | None = None

    def __post_init__(self) -> None:
        self.name = check_name(self.name, "name", MAX_PRODUCT_NAME)
        self.slug = check_slug(self.slug)
        self.description = self.description.strip()
        self.refresh_derived()

    def add_variant(self, variant: Variant) -> Variant:
        """No two variants of one product share an attribute combination."""
        variant.combination_key = combination_key(variant.attribute_values)
        if any(v.combination_key == variant.combination_key for v in self.variants):
            raise Conflict(f"Product {self.name!r} already has a variant with these attributes.")
        self.variants.append(variant)
        self.refresh_derived()
        self.touch()
        return variant

    def refresh_price_from(self) -> None:
        self.price_from = lowest_active_price(self.variants)

    def refresh_derived(self) -> None:
        """Recompute what is stored for lists and search; call after any variant change."""
        self.refresh_price_from()
        self.search_text = search_text_of(self.name, self.description, self.variants)

    def rename(self, name: str) -> None:
        self.name = check_name(name, "name", MAX_PRODUCT_NAME)
        self.refresh_derived()
        self.touch()

    def change_slug(self, slug: str) -> None:
        self.slug = check_slug(slug)
        self.touch()

    def describe(self, description: str) -> None:
        self.description = description.strip()
        self.refresh_derived()
        self.touch()

    def set_active(self, active: bool) -> None:
        self.is_active = active
        self.touch()

    def deactivate(self) -> None:
        """Hide the product from customers while keeping it (and its order history)."""
        self.set_active(False)

    def touch(self) -> None:
        self.updated_at = utcnow()
