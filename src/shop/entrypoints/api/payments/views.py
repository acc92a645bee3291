"""Payments: starting and listing an order's payments, Stripe's webhook, and the admins' list."""

from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView
from flask_smorest.pagination import PaginationParameters

from shop.entrypoints.api import MAX_PAGE_SIZE, PAGE_SIZE, Blueprint
from shop.entrypoints.api.catalog.docs import admin_only
from shop.entrypoints.api.orders.schemas import OrderTokenHeaderSchema
from shop.entrypoints.api.orders.views import BEARER_OR_ORDER_TOKEN, viewer
from shop.entrypoints.api.payments.schemas import (
    AdminPaymentQuerySchema,
    AdminPaymentSchema,
    PaymentSchema,
    PaymentStartSchema,
    present,
)
from shop.entrypoints.web.context import adapters
from shop.services.payments import admin, events, start
from shop.services.payments.ports import PaymentFilters

blp = Blueprint("payments", __name__, url_prefix="/api/v1", description="Payments")
admin_blp = Blueprint(
    "admin_payments", __name__, url_prefix="/api/v1/admin/payments", description="Payments"
)
WEBHOOK_BODY = {
    "required": True,
    "content": {"application/json": {"schema": {"type": "object"}}},
    "description": "The raw Stripe event, exactly as Stripe sent it.",
}
SIGNATURE_HEADER = {
    "name": "Stripe-Signature",
    "in": "header",
    "required": True,
    "schema": {"type": "string"},
    "description": "t=<unix time>,v1=<HMAC-SHA256 of `t.body` with the endpoint's secret>",
}


def _payments() -> events.Payments:
    return adapters().ordering.payments


@blp.route("/orders/<int:order_id>/payments")
class OrderPayments(MethodView):
    @blp.arguments(OrderTokenHeaderSchema, location="headers")
    @blp.arguments(PaymentStartSchema, required=False)
    @blp.response(201, PaymentSchema)
    @blp.alt_response(
        200,
        schema=PaymentSchema,
        description="The payment still awaiting the customer (requires_action), returned again.",
    )
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT", description="The order is not pending, or paid.")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    @blp.doc(security=BEARER_OR_ORDER_TOKEN)
    def post(self, headers: dict[str, Any], body: dict[str, Any], order_id: int) -> Any:
        """Pay for the order (its owner, or a guest with its X-Order-Token). `test` provider:
        `{"test_card"}` settles at once; `stripe`: answers the PaymentIntent's client_secret."""
        started = start.start_payment(
            _payments(), viewer(headers.get("token")), order_id, (body or {}).get("test_card")
        )
        return present(started.payment), 201 if started.created else 200

    @blp.arguments(OrderTokenHeaderSchema, location="headers")
    @blp.response(200, PaymentSchema(many=True))
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    @blp.doc(security=BEARER_OR_ORDER_TOKEN)
    def get(self, headers: dict[str, Any], order_id: int) -> Any:
        """The order's payments, oldest first."""
        found = start.list_payments(_payments(), viewer(headers.get("token")), order_id)
        return [present(payment) for payment in found]


@blp.route("/payments/stripe/webhook")
class StripeWebhook(MethodView):
    @blp.response(200, description="The event is stored (and applied once).")
    @blp.alt_response(
        400,
        response="BAD_REQUEST",
        description="Missing, bad or expired signature (or no Stripe provider configured).",
    )
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    @blp.doc(security=[], requestBody=WEBHOOK_BODY, parameters=[SIGNATURE_HEADER])
    def post(self) -> Any:
        """Stripe's events: payment_intent.succeeded, .payment_failed, .canceled and
        charge.refunded are applied; any other type is stored and ignored."""
        events.receive_webhook(_payments(), request.get_data(cache=False), dict(request.headers))
        return ""


@admin_blp.route("")
class AdminPayments(MethodView):
    @admin_only(admin_blp, 422, 503)
    @admin_blp.arguments(AdminPaymentQuerySchema, location="query")
    @admin_blp.response(200, AdminPaymentSchema(many=True))
    @admin_blp.paginate(page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
    def get(self, query: dict[str, Any], pagination_parameters: PaginationParameters) -> Any:
        """Every payment, newest first; `flagged=true` lists those an admin must look at."""
        filters = PaymentFilters(status=query.get("status"), flagged=query.get("flagged"))
        found, pagination_parameters.item_count = admin.list_all(
            _payments(), filters, pagination_parameters.page, pagination_parameters.page_size
        )
        return [present(payment) for payment in found]
