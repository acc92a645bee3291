"""Payment shapes (API.md, "Payments")."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from shop.domain.money import to_amount
from shop.domain.payments.model import Payment, PaymentStatus
from shop.entrypoints.api.orders.schemas import MONEY, no_control_characters
from shop.entrypoints.api.schemas import ShopSchema, StrictSchema

STATUSES = [str(s) for s in PaymentStatus]


class PaymentStartSchema(StrictSchema):
    test_card = fields.String(
        validate=[validate.Length(min=1, max=32), no_control_characters],
        metadata={
            "description": "The `test` provider only: 4242424242424242 succeeds, "
            "4000000000000002 is declined.",
            "example": "4242424242424242",
        },
    )


class PaymentSchema(ShopSchema):
    id = fields.Integer()
    order_id = fields.Integer()
    provider = fields.String(metadata={"example": "test"})
    status = fields.String(validate=validate.OneOf(STATUSES))
    amount = fields.String(metadata=MONEY)
    currency = fields.String(metadata={"example": "USD"})
    client_secret = fields.String(
        allow_none=True,
        metadata={"description": "Stripe only: confirm the PaymentIntent with it (Stripe.js)."},
    )
    created_at = fields.DateTime()


class AdminPaymentSchema(PaymentSchema):
    class Meta:
        exclude = ("client_secret",)

    reference = fields.String(allow_none=True, metadata={"description": "The provider's id."})
    refunded = fields.String(metadata=MONEY)
    flagged = fields.Boolean(
        metadata={
            "description": "Succeeded for another amount or currency than the order's "
            "total, or charged an order already paid: never marks it paid."
        }
    )


class AdminPaymentQuerySchema(ShopSchema):
    status = fields.String(validate=validate.OneOf(STATUSES))
    flagged = fields.Boolean()


def present(payment: Payment) -> dict[str, Any]:
    return {
        "id": payment.id,
        "order_id": payment.order_id,
        "provider": payment.provider,
        "status": str(payment.status),
        "amount": str(to_amount(payment.amount)),
        "currency": payment.currency,
        "client_secret": payment.client_secret if payment.provider != "test" else None,
        "reference": payment.reference,
        "refunded": str(to_amount(payment.refunded)),
        "flagged": payment.flagged,
        "created_at": payment.created_at,
    }
