"""Cart request and response shapes (API.md, "Cart")."""

from __future__ import annotations

from marshmallow import fields, validate

from shop.domain.cart.cart import CapReason
from shop.entrypoints.api.schemas import ProblemSchema, ShopSchema, StrictSchema
from shop.entrypoints.web.converters import MAX_ID

CART_TOKEN_HEADER = "X-Cart-Token"
_MONEY = {"type": "string", "pattern": r"^-?\d+\.\d{2}$", "example": "1299.00"}
_TOKEN_DESCRIPTION = (
    "A guest cart's opaque token. An unknown or expired token is treated as no token. "
    "Ignored when a Bearer token is sent: a signed-in user always gets their own cart."
)


class CartTokenHeaderSchema(ShopSchema):
    """The optional guest cart token of a request."""

    token = fields.String(data_key=CART_TOKEN_HEADER, metadata={"description": _TOKEN_DESCRIPTION})


class MergeHeaderSchema(ShopSchema):
    """The guest cart to merge into the signed-in user's cart."""

    token = fields.String(
        data_key=CART_TOKEN_HEADER,
        required=True,
        validate=validate.Length(min=1),
        metadata={
            "description": "The guest cart to merge. An unknown, expired or already merged "
            "token merges nothing."
        },
    )


CART_TOKEN_RESPONSE_HEADER = {
    CART_TOKEN_HEADER: {
        "description": "The guest cart's token (guests only); send it back on every cart "
        "request. A new token means a new cart was created.",
        "schema": {"type": "string"},
    }
}


class AddItemSchema(StrictSchema):
    variant_id = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=MAX_ID)
    )
    quantity = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=1),
        metadata={"description": "1..SHOP_MAX_LINE_QUANTITY (default 99); added to the line."},
    )


class SetItemSchema(StrictSchema):
    quantity = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=0),
        metadata={"description": "0..SHOP_MAX_LINE_QUANTITY (default 99); 0 removes the line."},
    )


class CartAttributeSchema(ShopSchema):
    name = fields.String(required=True, metadata={"example": "Color"})
    value = fields.String(required=True, metadata={"example": "Blue"})


class CartItemSchema(ShopSchema):
    variant_id = fields.Integer(required=True)
    sku = fields.String(required=True)
    product_id = fields.Integer(required=True)
    product_name = fields.String(required=True)
    attributes = fields.List(fields.Nested(CartAttributeSchema), required=True)
    unit_price = fields.String(required=True, metadata={**_MONEY, "description": "Live price."})
    quantity = fields.Integer(required=True)
    line_total = fields.String(required=True, metadata=_MONEY)
    available = fields.Boolean(
        required=True,
        metadata={"description": "False when the variant is inactive or has less stock."},
    )


class CartSchema(ShopSchema):
    token = fields.String(
        metadata={"description": "The guest cart's token (guests with a cart only)."}
    )
    items = fields.List(fields.Nested(CartItemSchema), required=True)
    count = fields.Integer(required=True, metadata={"description": "Units in the cart."})
    subtotal = fields.String(required=True, metadata=_MONEY)
    currency = fields.String(required=True, metadata={"example": "USD"})


class AdjustmentSchema(ShopSchema):
    variant_id = fields.Integer(required=True)
    requested = fields.Integer(required=True, metadata={"description": "The summed quantity."})
    quantity = fields.Integer(required=True, metadata={"description": "The quantity kept."})
    reason = fields.Enum(CapReason, by_value=True, required=True)


class MergedCartSchema(CartSchema):
    adjustments = fields.List(
        fields.Nested(AdjustmentSchema),
        required=True,
        metadata={"description": "Every line the merge cut; empty when nothing was cut."},
    )


class CartLimitProblemSchema(ProblemSchema):
    """A refused add or set: the line would exceed the stock (409) or the line limit (422)."""

    available = fields.Integer(
        metadata={"description": "The most units the line may hold now (stock or line limit)."}
    )
    in_cart = fields.Integer(metadata={"description": "The line's quantity in the cart now."})
