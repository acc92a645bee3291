"""Field types the catalog's schemas share: money in and out, slugs, the currency."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from marshmallow import ValidationError, fields, validate

from shop.domain.catalog.rules import MAX_PRICE, MAX_SLUG_LENGTH
from shop.domain.limits import MAX_INTEGER

MAX_STOCK = MAX_INTEGER

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


def _two_places_at_most(value: Decimal) -> None:
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValidationError("Use at most two decimal places.")


def _not_negative(value: Decimal) -> None:
    if value < 0:
        raise ValidationError("Must not be negative.")


def _at_most_max_price(value: Decimal) -> None:
    if value > MAX_PRICE:
        raise ValidationError(f"Must be at most {MAX_PRICE}.")


MONEY_PATTERN = r"^[0-9]{1,8}(\.[0-9]{1,2})?$"
_MONEY = re.compile(MONEY_PATTERN)


class MoneyString(fields.Decimal):
    """Money in a request: a decimal string such as "1299.00", never a JSON number (API.md).

    Exactly the documented pattern: ASCII digits, no spaces, signs or exponents.
    """

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, str):
            raise ValidationError('Send the amount as a decimal string, e.g. "1299.00".')
        if _MONEY.fullmatch(value) is None:
            raise ValidationError('Use digits and at most two decimals, e.g. "1299.00".')
        return super()._deserialize(value, attr, data, **kwargs)


def money_in(example: str = "1299.00", **kwargs: Any) -> fields.Decimal:
    """An amount in a request: 0 to MAX_PRICE with two decimal places at most.

    Bounds are checked by validators and only described in the metadata, because apispec
    would render declared bounds as strings.
    """
    return MoneyString(
        as_string=True,
        allow_nan=False,
        validate=[_two_places_at_most, _not_negative, _at_most_max_price],
        metadata={
            "type": "string",
            "format": "decimal",
            "pattern": MONEY_PATTERN,
            "example": example,
            "description": f"A decimal string from 0.00 to {MAX_PRICE}.",
        },
        **kwargs,
    )


def money_out(**kwargs: Any) -> fields.Decimal:
    metadata = {
        "type": "string",
        "format": "decimal",
        "example": "1299.00",
        **kwargs.pop("metadata", {}),
    }
    return fields.Decimal(as_string=True, places=2, metadata=metadata, **kwargs)


def slug_field() -> fields.String:
    return fields.String(
        validate=[validate.Length(min=1, max=MAX_SLUG_LENGTH), validate.Regexp(SLUG_PATTERN)],
        metadata={"example": "running-shoes"},
    )


class CurrencyMixin:
    currency = fields.String(required=True, metadata={"example": "USD"})
