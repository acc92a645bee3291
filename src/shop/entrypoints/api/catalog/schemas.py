"""The catalog's JSON shapes (API.md "Catalog"): request bodies refuse unknown fields, and
money leaves as strings with two places plus `currency`."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from shop.entrypoints.api.catalog.fields import (
    MAX_STOCK,
    CurrencyMixin,
    money_in,
    money_out,
    slug_field,
)
from shop.entrypoints.api.schemas import ShopSchema, StrictSchema
from shop.entrypoints.web.converters import MAX_ID

# Categories ---------------------------------------------------------------------------------


class CategoryCreateSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    slug = slug_field()


class CategoryUpdateSchema(StrictSchema):
    name = fields.String(validate=validate.Length(min=1, max=120))
    slug = slug_field()


class CategorySchema(ShopSchema):
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


class AttributeValueSchema(ShopSchema):
    id = fields.Integer(required=True)
    value = fields.String(required=True)


class AttributeSchema(ShopSchema):
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


class VariantAttributeSchema(ShopSchema):
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


class RatingSchema(ShopSchema):
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


class ProductSchema(ShopSchema):
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
