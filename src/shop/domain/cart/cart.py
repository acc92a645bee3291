"""The cart: lines of variant quantities, the caps on a line, merging, and live pricing.

A cart holds only `{variant_id: quantity}`; names, prices and stock are read live from the
catalog (`VariantSnapshot`) each time the cart is shown, so a cart never shows a stale price.
The cart stores apply these same rules atomically (a Lua script in Redis, a lock in the
embedded twin); `Cart` is the reference the stores are tested against.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from shop.domain.cart.pricing import VariantSnapshot
from shop.domain.errors import ValidationFailed

TOKEN_BYTES = 32  # 256 random bits; API.md asks for at least 128
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{22,128}$")


def new_guest_token() -> str:
    """An opaque, unguessable guest cart token (URL-safe base64 of 256 random bits)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def is_token_shaped(token: str) -> bool:
    """Could `token` be one we issued? Anything else is an unknown token, without a lookup."""
    return bool(_TOKEN_SHAPE.match(token))


@dataclass(frozen=True)
class CartOwner:
    """A signed-in user (by id) or a guest (by token; None while the guest has no cart)."""

    user_id: int | None = None
    token: str | None = None

    @classmethod
    def user(cls, user_id: int) -> CartOwner:
        return cls(user_id=user_id)

    @classmethod
    def guest(cls, token: str | None) -> CartOwner:
        """A guest; a token that cannot be ours is dropped, i.e. treated as no token."""
        return cls(token=token if token and is_token_shaped(token) else None)

    @property
    def is_guest(self) -> bool:
        return self.user_id is None

    @property
    def has_cart_name(self) -> bool:
        """False for a guest without a token: there is no cart to read or change yet."""
        return not self.is_guest or self.token is not None


class CapReason(StrEnum):
    """Why a line cannot hold more units."""

    STOCK = "stock"
    LINE_LIMIT = "line_limit"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class LineCap:
    """The most units a line may hold now, and the rule that sets that limit."""

    limit: int
    reason: CapReason


def line_cap(variant: VariantSnapshot | None, max_line_quantity: int) -> LineCap:
    """The cap of a line: 0 for a deleted or inactive variant, else min(stock, line limit).

    When stock and the line limit are equal, the line limit is named: more stock would not help.
    """
    if variant is None or not variant.is_active:
        return LineCap(0, CapReason.UNAVAILABLE)
    if variant.stock < max_line_quantity:
        return LineCap(max(variant.stock, 0), CapReason.STOCK)
    return LineCap(max_line_quantity, CapReason.LINE_LIMIT)


def check_quantity(quantity: int, max_line_quantity: int, *, allow_zero: bool = False) -> int:
    """A requested line quantity: 1..max (0 too when setting, where it removes the line)."""
    low = 0 if allow_zero else 1
    if not low <= quantity <= max_line_quantity:
        raise ValidationFailed({"quantity": [f"Must be between {low} and {max_line_quantity}."]})
    return quantity


@dataclass(frozen=True)
class MergedLine:
    """One guest line after a merge: the summed quantity asked for and the quantity kept."""

    variant_id: int
    requested: int
    granted: int


@dataclass(frozen=True)
class Adjustment:
    """A merged line whose quantity was cut, and why."""

    variant_id: int
    requested: int
    quantity: int
    reason: CapReason


def adjustments(merged: Iterable[MergedLine], caps: Mapping[int, LineCap]) -> list[Adjustment]:
    """The merged lines that did not get all they asked for, in variant order."""
    return [
        Adjustment(line.variant_id, line.requested, line.granted, caps[line.variant_id].reason)
        for line in sorted(merged, key=lambda m: m.variant_id)
        if line.granted < line.requested
    ]


class Cart:
    """Quantities by variant id; every quantity kept is at least 1.

    The caps passed in come from `line_cap`, computed by the caller from live catalog data.
    """

    def __init__(self, lines: Mapping[int, int] | None = None) -> None:
        self._lines: dict[int, int] = {}
        for variant_id, quantity in (lines or {}).items():
            self.set_quantity(variant_id, quantity)

    @property
    def lines(self) -> dict[int, int]:
        return dict(self._lines)

    @property
    def count(self) -> int:
        """The number of units (the sum of the quantities)."""
        return sum(self._lines.values())

    def quantity(self, variant_id: int) -> int:
        return self._lines.get(variant_id, 0)

    def add(self, variant_id: int, quantity: int, cap: int) -> bool:
        """Add `quantity` (>= 1) units to the line, unless the line would then exceed `cap`.

        Returns False, changing nothing, when it would.
        """
        if quantity < 1:
            raise ValueError("add at least one unit")
        total = self.quantity(variant_id) + quantity
        if total > cap:
            return False
        self._lines[variant_id] = total
        return True

    def set_quantity(self, variant_id: int, quantity: int) -> None:
        """Set the line's quantity; 0 removes the line."""
        if quantity < 0:
            raise ValueError("a quantity is never negative")
        if quantity == 0:
            self._lines.pop(variant_id, None)
        else:
            self._lines[variant_id] = quantity

    def remove(self, variant_id: int) -> None:
        self._lines.pop(variant_id, None)

    def clear(self) -> None:
        self._lines.clear()

    def merge(self, other: Mapping[int, int], caps: Mapping[int, int]) -> list[MergedLine]:
        """Add `other`'s lines to this cart: each line summed, then cut to its cap.

        Lines only this cart has are left alone. A line cut to 0 is removed. Every line of
        `other` must have a cap.
        """
        merged = []
        for variant_id, quantity in sorted(other.items()):
            requested = self.quantity(variant_id) + quantity
            granted = max(0, min(requested, caps[variant_id]))
            self.set_quantity(variant_id, granted)
            merged.append(MergedLine(variant_id, requested, granted))
        return merged
