"""The cart's JSON: the body CartSchema documents, and the guest's token header."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from shop.domain.cart.cart import Adjustment
from shop.entrypoints.api.cart.schemas import CART_TOKEN_HEADER
from shop.services.cart.priced import CartView


def cart_body(view: CartView) -> dict[str, Any]:
    body: dict[str, Any] = {} if view.token is None else {"token": view.token}
    body["items"] = [
        {
            "variant_id": line.variant.id,
            "sku": line.variant.sku,
            "product_id": line.variant.product_id,
            "product_name": line.variant.product_name,
            "attributes": [{"name": n, "value": v} for n, v in line.variant.attributes],
            "unit_price": str(line.unit_price.amount),
            "quantity": line.quantity,
            "line_total": str(line.line_total.amount),
            "available": line.available,
        }
        for line in view.cart.lines
    ]
    body.update(
        count=view.cart.count,
        subtotal=str(view.cart.subtotal.amount),
        currency=view.cart.currency,
    )
    return body


def token_header(view: CartView) -> dict[str, str]:
    return {} if view.token is None else {CART_TOKEN_HEADER: view.token}


def reply(view: CartView, **extra: Any) -> Response:
    """The cart as JSON. `cart_body` already has CartSchema's shape (the schema documents it
    and the contract tests check it), so the body is not serialised a second time."""
    response = jsonify({**cart_body(view), **extra})
    response.headers.update(token_header(view))
    return response


def adjustment(item: Adjustment) -> dict[str, Any]:
    return {
        "variant_id": item.variant_id,
        "requested": item.requested,
        "quantity": item.quantity,
        "reason": item.reason,
    }
