"""POST /api/v1/checkout: the caller's cart becomes a pending order, all or nothing."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request
from flask.views import MethodView

from shop.domain.cart.cart import CartOwner
from shop.domain.errors import Conflict, ValidationFailed
from shop.domain.orders.checkout import OutOfStock
from shop.domain.orders.model import Address
from shop.entrypoints.api import BEARER, Blueprint
from shop.entrypoints.api.cart_owner import cart_owner
from shop.entrypoints.api.checkout.schemas import (
    REPLAYED_HEADER,
    REPLAYED_RESPONSE_HEADER,
    CheckoutHeadersSchema,
    CheckoutSchema,
    PlacedOrderSchema,
)
from shop.entrypoints.api.orders.schemas import present_json
from shop.entrypoints.api.schemas import ProblemSchema
from shop.entrypoints.web.context import adapters
from shop.entrypoints.web.metrics import record_checkout
from shop.entrypoints.web.problems import PROBLEM_JSON
from shop.services.accounts import address_book
from shop.services.checkout import idempotency
from shop.services.checkout.idempotency import IdempotencyKey
from shop.services.checkout.place_order import Contact, place_order

blp = Blueprint("checkout", __name__, url_prefix="/api/v1/checkout", description="Checkout")

SHORT_STOCK: dict[str, Any] = {
    "schema": ProblemSchema,
    "content_type": PROBLEM_JSON,
    "description": "Lines lack stock (`errors.lines: [{variant_id, requested, available}]`), "
    "a variant is inactive, or the same Idempotency-Key is in flight. Nothing was written.",
}


def _key(headers: dict[str, Any], owner: CartOwner, body: dict[str, Any]) -> IdempotencyKey | None:
    raw = headers.get("idempotency_key")
    scope = idempotency.caller_scope(owner)
    if raw is None:
        return None
    key = idempotency.check_key(raw)
    if scope is None:
        return None  # a guest without a cart: the checkout fails as an empty cart anyway
    return IdempotencyKey(scope, key, idempotency.fingerprint("POST", request.path, body))


def _contact(owner: CartOwner, body: dict[str, Any]) -> Contact:
    """Who and where the order is for: the body's address, or a copy of a saved one."""
    if "address_id" not in body:
        address = body["address"]
        return Contact(
            full_name=body["full_name"],
            phone=body["phone"],
            email=body.get("email"),
            address=Address(
                line1=address["line1"],
                line2=address.get("line2"),
                city=address["city"],
                postal_code=address["postal_code"],
                country=address["country"],
            ),
        )
    if owner.user_id is None:
        raise ValidationFailed({"address_id": ["Saved addresses are for signed-in customers."]})
    saved = address_book.get_address(adapters().accounts.uow, owner.user_id, body["address_id"])
    copy = saved.snapshot()
    phone = body.get("phone") or saved.phone
    if not phone:
        raise ValidationFailed({"phone": ["Required: the saved address has no phone."]})
    return Contact(
        full_name=body.get("full_name") or saved.full_name,
        phone=phone,
        email=body.get("email"),
        address=Address(
            line1=copy["line1"],
            line2=copy["line2"] or None,
            city=copy["city"],
            postal_code=copy["postal_code"],
            country=copy["country"],
        ),
    )


@blp.route("")
class CheckoutResource(MethodView):
    @blp.arguments(CheckoutHeadersSchema, location="headers")
    @blp.arguments(CheckoutSchema)
    @blp.response(201, PlacedOrderSchema, headers=REPLAYED_RESPONSE_HEADER)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(
        404,
        response="NOT_FOUND",
        description="A variant of the cart, or the `address_id`, is gone.",
    )
    @blp.alt_response(409, **SHORT_STOCK)
    @blp.alt_response(
        422, response="UNPROCESSABLE_ENTITY", description="Empty cart, invalid body or key."
    )
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    @blp.doc(security=[{}, *BEARER])
    def post(self, headers: dict[str, Any], body: dict[str, Any]) -> Response:
        """Place an order from the cart: stock is checked and taken, the order written and
        its confirmation email recorded in one transaction; then the cart is emptied."""
        owner = cart_owner(headers.get("cart_token"))
        key = _key(headers, owner, body)
        contact = _contact(owner, body)
        try:
            placed = place_order(adapters().ordering.checkout, owner, contact, present_json, key)
        except OutOfStock:
            record_checkout("out_of_stock")
            raise
        except Conflict:
            record_checkout("conflict")
            raise
        except Exception:
            record_checkout("failed")
            raise
        record_checkout("idempotent_replay" if placed.replayed else "placed")
        response = jsonify(dict(placed.body))
        response.status_code = placed.status_code
        if placed.replayed:
            response.headers[REPLAYED_HEADER] = "true"
        return response
