"""The catalog's field rules: names, slugs, SKUs, prices and stock."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

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


def check_version(what: str, expected: int | None, current: int) -> None:
    """Refuse a write based on an older reading of `what` (expected None: no check): a form
    that showed version N saves only while the entity is still at N."""
    if expected is not None and expected != current:
        raise Conflict(
            f"{what} was changed by someone else since you opened it "
            f"(your version {expected}, now {current}); reload it and make your change again.",
            current_version=current,
        )
