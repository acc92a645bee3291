"""Checkout request and response shapes."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from shop.entrypoints.api.cart.schemas import CART_TOKEN_HEADER
from shop.entrypoints.api.orders.schemas import (
    AddressSchema,
    OrderSchema,
    no_control_characters,
    text,
)
from shop.entrypoints.api.schemas import StrictSchema

IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"


class CheckoutSchema(StrictSchema):
    full_name = text(200)
    email = fields.Email(
        validate=[validate.Length(max=254), no_control_characters],
        metadata={"description": "Required for guests; defaults to the account's email."},
    )
    phone = text(40)
    address = fields.Nested(AddressSchema, required=True)


class CheckoutHeadersSchema(Schema):
    cart_token = fields.String(
        data_key=CART_TOKEN_HEADER,
        metadata={"description": "A guest's cart (ignored with a Bearer token)."},
    )
    idempotency_key = fields.String(
        data_key=IDEMPOTENCY_KEY_HEADER,
        metadata={
            "description": "1..255 printable ASCII characters. The same key with the same body "
            "answers the first response again (with Idempotent-Replayed: true) for at least "
            "24 hours; with another body it is 422; while the first is in flight, 409."
        },
    )


class PlacedOrderSchema(OrderSchema):
    order_token = fields.String(
        metadata={
            "description": "Guests only, shown once (not in a replay): send it as "
            "X-Order-Token to read the order."
        }
    )


REPLAYED_RESPONSE_HEADER = {
    REPLAYED_HEADER: {
        "description": "`true` when this is the stored answer to an earlier request with the "
        "same Idempotency-Key.",
        "schema": {"type": "string", "enum": ["true"]},
    }
}
