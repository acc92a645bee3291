"""Order shapes (API.md, "Checkout and orders") and the one function that presents an order."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from marshmallow import ValidationError, fields, validate

from shop.domain.money import to_amount
from shop.domain.orders.model import Order
from shop.domain.orders.status import OrderStatus
from shop.domain.payments.model import OrderPaymentStatus, PaymentStatus
from shop.entrypoints.api.schemas import ShopSchema, StrictSchema
from shop.entrypoints.web.fast_dump import use_compiled_dump

MONEY = {"type": "string", "pattern": r"^-?\d+\.\d{2}$", "example": "1299.00"}
STATUSES = [str(s) for s in OrderStatus]
ORDER_TOKEN_HEADER = "X-Order-Token"


def no_control_characters(value: str) -> None:
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValidationError("Control characters are not allowed.")


def text(maximum: int, *, required: bool = True, **metadata: Any) -> fields.String:
    return fields.String(
        required=required,
        validate=[validate.Length(min=1, max=maximum), no_control_characters],
        metadata=metadata,
    )


class LineAttributeSchema(ShopSchema):
    name = fields.String(required=True)
    value = fields.String(required=True)


class AddressSchema(StrictSchema):
    line1 = text(200)
    line2 = fields.String(
        allow_none=True, validate=[validate.Length(max=200), no_control_characters]
    )
    city = text(100)
    postal_code = text(20)
    country = fields.String(
        required=True,
        validate=validate.Regexp(r"^[A-Z]{2}$", error="Use an ISO 3166-1 alpha-2 code."),
        metadata={"description": "ISO 3166-1 alpha-2, e.g. DE", "example": "DE"},
    )


class OrderLineSchema(ShopSchema):
    variant_id = fields.Integer(allow_none=True, metadata={"description": "null once deleted"})
    sku = fields.String()
    product_name = fields.String()
    attributes = fields.List(fields.Nested(LineAttributeSchema))
    unit_price = fields.String(metadata=MONEY)
    quantity = fields.Integer()
    line_total = fields.String(metadata=MONEY)


class OrderPaymentSchema(ShopSchema):
    id = fields.Integer()
    provider = fields.String(metadata={"example": "stripe"})
    status = fields.String(validate=validate.OneOf([str(s) for s in PaymentStatus]))
    amount = fields.String(metadata=MONEY)
    created_at = fields.DateTime()


class OrderSchema(ShopSchema):
    id = fields.Integer()
    status = fields.String(validate=validate.OneOf(STATUSES))
    email = fields.String()
    full_name = fields.String()
    phone = fields.String()
    address = fields.Nested(AddressSchema)
    lines = fields.List(fields.Nested(OrderLineSchema))
    subtotal = fields.String(metadata=MONEY)
    total = fields.String(metadata={**MONEY, "description": "Equals subtotal in v1."})
    currency = fields.String(metadata={"example": "USD"})
    payment_status = fields.String(validate=validate.OneOf([str(s) for s in OrderPaymentStatus]))
    payments = fields.List(fields.Nested(OrderPaymentSchema))
    refunded_amount = fields.String(metadata=MONEY)
    pay_by = fields.DateTime(
        allow_none=True,
        metadata={
            "description": "When the order is cancelled and restocked unless paid; "
            "null once paid, cancelled, or when unpaid orders are kept."
        },
    )
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class OrderQuerySchema(ShopSchema):
    status = fields.String(validate=validate.OneOf(STATUSES))
    email = fields.String(
        validate=validate.Length(max=254), metadata={"description": "Admins only."}
    )
    created_after = fields.AwareDateTime(default_timezone=None)
    created_before = fields.AwareDateTime(default_timezone=None)


class StatusChangeSchema(StrictSchema):
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))


class OrderTokenHeaderSchema(ShopSchema):
    token = fields.String(
        data_key=ORDER_TOKEN_HEADER,
        metadata={"description": "A guest's order token, from the checkout response."},
    )


def present(order: Order) -> dict[str, Any]:
    """The order in OrderSchema's shape (for the schema to dump)."""
    buyer = order.buyer
    return {
        "id": order.id,
        "status": str(order.status),
        "email": buyer.email,
        "full_name": buyer.full_name,
        "phone": buyer.phone,
        "address": asdict(buyer.address),
        "lines": [
            {
                "variant_id": line.variant_id,
                "sku": line.sku,
                "product_name": line.product_name,
                "attributes": [{"name": n, "value": v} for n, v in line.attributes],
                "unit_price": str(to_amount(line.unit_price)),
                "quantity": line.quantity,
                "line_total": str(to_amount(line.line_total)),
            }
            for line in order.lines
        ],
        "subtotal": str(to_amount(order.subtotal)),
        "total": str(to_amount(order.total)),
        "currency": order.currency,
        "payment_status": str(order.payment_status),
        "payments": [
            {
                "id": p.id,
                "provider": p.provider,
                "status": str(p.status),
                "amount": str(to_amount(p.amount)),
                "created_at": p.created_at,
            }
            for p in order.payments
        ],
        "refunded_amount": str(order.refunded_amount),
        "pay_by": order.pay_by if order.status == OrderStatus.PENDING else None,
        "created_at": order.created_at,
        "updated_at": order.updated_at or order.created_at,
    }


# Built once (building a schema costs more than a dump), dumping through the compiled dump:
# checkout presents every order it places with it.
_ORDER_SCHEMA = use_compiled_dump(OrderSchema())


def present_json(order: Order) -> dict[str, Any]:
    """The order as JSON-ready values, exactly as a response body carries it."""
    body: dict[str, Any] = _ORDER_SCHEMA.dump(present(order))
    return body
