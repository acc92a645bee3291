"""Checkout request and response shapes."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from shop.domain.limits import MAX_INTEGER
from shop.entrypoints.api.cart.schemas import CART_TOKEN_HEADER
from shop.entrypoints.api.orders.schemas import (
    AddressSchema,
    OrderSchema,
    no_control_characters,
    text,
)
from shop.entrypoints.api.schemas import ShopSchema, StrictSchema

IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"


class CheckoutSchema(StrictSchema):
    full_name = text(
        200, required=False, description="Required with `address`; defaults to the saved one's."
    )
    email = fields.Email(
        validate=[validate.Length(max=254), no_control_characters],
        metadata={"description": "Required for guests; defaults to the account's email."},
    )
    phone = text(
        40, required=False, description="Required with `address`; defaults to the saved one's."
    )
    address = fields.Nested(AddressSchema, metadata={"description": "Or `address_id`."})
    address_id = fields.Integer(
        strict=True,
        validate=validate.Range(min=1, max=MAX_INTEGER),
        metadata={
            "description": "A saved address of the signed-in customer (/me/addresses), "
            "instead of `address`: the order keeps a copy of it."
        },
    )

    @validates_schema
    def _one_address(self, data: dict[str, Any], **_: Any) -> None:
        if ("address" in data) == ("address_id" in data):
            raise ValidationError("Give either `address` or `address_id`.", "address")
        if "address" in data:
            missing = {n: ["Required."] for n in ("full_name", "phone") if n not in data}
            if missing:
                raise ValidationError(missing)


class CheckoutHeadersSchema(ShopSchema):
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
