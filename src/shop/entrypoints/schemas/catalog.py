"""The catalog's JSON shapes (API.md "Catalog"): request bodies refuse unknown fields, query
strings are validated (422), and money leaves as strings with two places plus `currency`."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

from shop.adapters.orm import MAX_INTEGER
from shop.domain.catalog import MAX_PRICE, MAX_SLUG_LENGTH
from shop.entrypoints.converters import MAX_ID
from shop.entrypoints.schemas.common import StrictSchema
from shop.services.ports import PRODUCT_SORTS

MAX_STOCK = MAX_INTEGER

MAX_ATTR_FILTERS = 10
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


# Categories ---------------------------------------------------------------------------------


class CategoryCreateSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    slug = slug_field()


class CategoryUpdateSchema(StrictSchema):
    name = fields.String(validate=validate.Length(min=1, max=120))
    slug = slug_field()


class CategorySchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    slug = fields.String(required=True)


# Attributes ---------------------------------------------------------------------------------


class AttributeCreateSchema(StrictSchema):
    name = fields.String(
        required=True, validate=validate.Length(min=1, max=60), metadata={"example": "Color"}
    )


class AttributeValueCreateSchema(StrictSchema):
    value = fields.String(
        required=True, validate=validate.Length(min=1, max=60), metadata={"example": "Blue"}
    )


class AttributeValueSchema(Schema):
    id = fields.Integer(required=True)
    value = fields.String(required=True)


class AttributeSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    values = fields.List(fields.Nested(AttributeValueSchema), required=True)


# Variants -----------------------------------------------------------------------------------


class VariantCreateSchema(StrictSchema):
    sku = fields.String(
        required=True,
        validate=validate.Length(min=1, max=64),
        metadata={"example": "PHN-X-BLU-256"},
    )
    price = money_in(required=True)
    stock = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=0, max=MAX_STOCK)
    )
    attributes = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=60)),
        values=fields.String(validate=validate.Length(min=1, max=60)),
        load_default=dict,
        metadata={"example": {"Color": "Black", "Memory": "256GB"}},
    )
    is_active = fields.Boolean(load_default=True)


class VariantUpdateSchema(StrictSchema):
    sku = fields.String(validate=validate.Length(min=1, max=64))
    price = money_in()
    stock = fields.Integer(strict=True, validate=validate.Range(min=0, max=MAX_STOCK))
    is_active = fields.Boolean()


class VariantAttributeSchema(Schema):
    name = fields.String(required=True)
    value = fields.String(required=True)


class VariantSchema(CurrencyMixin, Schema):
    id = fields.Integer(required=True)
    product_id = fields.Integer(required=True)
    sku = fields.String(required=True)
    price = money_out(required=True)
    stock = fields.Integer(required=True)
    in_stock = fields.Boolean(required=True)
    is_active = fields.Boolean(required=True)
    attributes = fields.List(fields.Nested(VariantAttributeSchema), required=True)


# Products -----------------------------------------------------------------------------------


def _image_url() -> fields.Url:
    return fields.Url(
        allow_none=True,
        schemes={"http", "https"},
        validate=validate.Length(max=500),
        metadata={"example": "https://cdn.example.com/p/1.jpg"},
    )


class ProductCreateSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    slug = slug_field()
    description = fields.String(load_default="", validate=validate.Length(max=10_000))
    category_id = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=MAX_ID)
    )
    image_url = _image_url()


class ProductUpdateSchema(StrictSchema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    slug = slug_field()
    description = fields.String(validate=validate.Length(max=10_000))
    category_id = fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID))
    image_url = _image_url()
    is_active = fields.Boolean()


class RatingSchema(Schema):
    average = fields.Float(
        required=True,
        allow_none=True,
        metadata={"description": "One decimal; null without reviews."},
    )
    count = fields.Integer(required=True)


class ProductSummarySchema(CurrencyMixin, Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    slug = fields.String(required=True)
    category = fields.Nested(CategorySchema, required=True)
    image_url = fields.String(required=True, allow_none=True)
    price_from = money_out(
        required=True,
        allow_none=True,
        metadata={"description": "Lowest active variant price; null without one."},
    )
    in_stock = fields.Boolean(required=True)
    is_active = fields.Boolean(required=True)
    rating = fields.Nested(RatingSchema, required=True)


class ProductSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    slug = fields.String(required=True)
    description = fields.String(required=True)
    category = fields.Nested(CategorySchema, required=True)
    image_url = fields.String(required=True, allow_none=True)
    is_active = fields.Boolean(required=True)
    created_at = fields.DateTime(required=True)
    rating = fields.Nested(RatingSchema, required=True)
    variants = fields.List(fields.Nested(VariantSchema), required=True)


# Query strings ------------------------------------------------------------------------------


def _attr_filter(value: str) -> None:
    name, sep, wanted = value.partition(":")
    if not sep or not name.strip() or not wanted.strip():
        raise ValidationError("Use Name:Value, e.g. Color:Blue.")


class ProductQuerySchema(Schema):
    """Query parameters of the product list (page and page_size are parsed by the pager)."""

    class Meta:
        unknown = EXCLUDE

    q = fields.String(
        validate=validate.Length(max=200),
        metadata={"description": "Case-insensitive match on name, description or any SKU."},
    )
    category = fields.String(
        validate=validate.Length(max=MAX_SLUG_LENGTH), metadata={"description": "Category slug."}
    )
    # Examples Swagger UI pre-fills: together they match products of the demo catalog.
    min_price = money_in(example="100.00")
    max_price = money_in(example="2000.00")
    attr = fields.List(
        fields.String(validate=[validate.Length(max=121), _attr_filter]),
        validate=validate.Length(max=MAX_ATTR_FILTERS),
        metadata={
            "description": "Repeatable Name:Value; one variant must have them all.",
            "example": ["Color:Black", "Memory:256GB"],
        },
    )
    in_stock = fields.Boolean(
        metadata={
            "description": "true: an active variant has stock; false: none has.",
        }
    )
    sort = fields.String(load_default="-created_at", validate=validate.OneOf(PRODUCT_SORTS))

    @validates_schema
    def _price_range(self, data: dict[str, Any], **kwargs: Any) -> None:
        low, high = data.get("min_price"), data.get("max_price")
        if low is not None and high is not None and low > high:
            raise ValidationError("Must not exceed max_price.", "min_price")

    @post_load
    def _parse(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        pairs = []
        for item in data.get("attr") or []:
            name, _, value = item.partition(":")
            pairs.append((name.strip(), value.strip()))
        data["attr"] = tuple(pairs)
        q = (data.get("q") or "").strip()
        data["q"] = q or None
        return data
