"""/api/v1/cart: a user's cart (Bearer token) or a guest's (X-Cart-Token), kept in Redis.

With a Bearer token the user's own cart is used and X-Cart-Token is ignored (except by the
merge and at login). A guest's first write creates a cart whose token comes back in the
X-Cart-Token response header and the body's `token`.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request
from flask.views import MethodView
from flask_jwt_extended import jwt_required

from shop.bootstrap import Adapters
from shop.domain.accounts import User
from shop.domain.cart import Adjustment, CartOwner
from shop.entrypoints import auth
from shop.entrypoints.api import BEARER, Blueprint, ShopApi
from shop.entrypoints.context import adapters
from shop.entrypoints.problems import PROBLEM_JSON
from shop.entrypoints.schemas.cart import (
    CART_TOKEN_HEADER,
    CART_TOKEN_RESPONSE_HEADER,
    AddItemSchema,
    CartLimitProblemSchema,
    CartSchema,
    CartTokenHeaderSchema,
    MergedCartSchema,
    MergeHeaderSchema,
    SetItemSchema,
)
from shop.entrypoints.schemas.common import ProblemSchema
from shop.entrypoints.web.arguments import check_text
from shop.services import cart
from shop.services.cart import CartRules, CartView

blp = Blueprint(
    "cart",
    __name__,
    url_prefix="/api/v1/cart",
    description="The shopping cart of a signed-in user or of a guest (X-Cart-Token).",
)

USER_OR_GUEST = [{}, *BEARER]  # OpenAPI: the Bearer token is optional
CART_TOKEN_PARAMETER = {
    "in": "header",
    "name": CART_TOKEN_HEADER,
    "required": False,
    "schema": {"type": "string"},
    "description": "A guest cart to merge into the signed-in user's cart.",
}

NOT_PURCHASABLE: dict[str, Any] = {
    "schema": ProblemSchema,
    "content_type": PROBLEM_JSON,
    "description": "Unknown or inactive variant (or a variant of an inactive product).",
}
OVER_STOCK: dict[str, Any] = {
    "schema": CartLimitProblemSchema,
    "content_type": PROBLEM_JSON,
    "description": "The line would exceed the stock: `available` is the stock, `in_cart` the "
    "line's quantity now. Nothing was changed.",
}

Reply = Response


def _rules(a: Adapters) -> CartRules:
    return CartRules(a.settings.max_line_quantity, a.settings.currency)


def _owner(headers: dict[str, Any]) -> CartOwner:
    user_id = auth.optional_user_id()
    if user_id is not None:
        return CartOwner.user(user_id)
    return CartOwner.guest(headers.get("token"))


def _cart_body(view: CartView) -> dict[str, Any]:
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


def _token_header(view: CartView) -> dict[str, str]:
    return {} if view.token is None else {CART_TOKEN_HEADER: view.token}


def _reply(view: CartView, **extra: Any) -> Reply:
    """The cart as JSON. `_cart_body` already has CartSchema's shape (the schema documents it
    and the contract tests check it), so the body is not serialised a second time."""
    response = jsonify({**_cart_body(view), **extra})
    response.headers.update(_token_header(view))
    return response


def _adjustment(item: Adjustment) -> dict[str, Any]:
    return {
        "variant_id": item.variant_id,
        "requested": item.requested,
        "quantity": item.quantity,
        "reason": item.reason,
    }


@blp.route("")
class Cart(MethodView):
    @blp.arguments(CartTokenHeaderSchema, location="headers")
    @blp.response(200, CartSchema, headers=CART_TOKEN_RESPONSE_HEADER)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    @blp.doc(security=USER_OR_GUEST)
    def get(self, headers: dict[str, Any]) -> Reply:
        """The cart at live prices (an empty cart without a token for a guest with none)."""
        a = adapters()
        return _reply(cart.view_cart(a.carts, a.cart_read_lookup, _rules(a), _owner(headers)))

    @blp.arguments(CartTokenHeaderSchema, location="headers")
    @blp.response(204)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    @blp.doc(security=USER_OR_GUEST)
    def delete(self, headers: dict[str, Any]) -> None:
        """Empty the cart. A guest's token stays valid until the cart expires."""
        cart.clear_cart(adapters().carts, _owner(headers))


@blp.route("/items")
class CartItems(MethodView):
    @blp.arguments(CartTokenHeaderSchema, location="headers")
    @blp.arguments(AddItemSchema)
    @blp.response(200, CartSchema, headers=CART_TOKEN_RESPONSE_HEADER)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(404, **NOT_PURCHASABLE)
    @blp.alt_response(409, **OVER_STOCK)
    @blp.alt_response(
        422,
        schema=CartLimitProblemSchema,
        content_type=PROBLEM_JSON,
        description="Invalid body, or the line would exceed SHOP_MAX_LINE_QUANTITY (then with "
        "`available` and `in_cart`).",
    )
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    @blp.doc(security=USER_OR_GUEST)
    def post(self, headers: dict[str, Any], body: dict[str, Any]) -> Reply:
        """Add units of a variant to the cart (a guest without a cart gets a new one)."""
        a = adapters()
        view = cart.add_item(
            a.carts,
            a.variant_lookup,
            _rules(a),
            _owner(headers),
            body["variant_id"],
            body["quantity"],
        )
        return _reply(view)


@blp.route("/items/<int:variant_id>")
class CartItem(MethodView):
    @blp.arguments(CartTokenHeaderSchema, location="headers")
    @blp.arguments(SetItemSchema)
    @blp.response(200, CartSchema, headers=CART_TOKEN_RESPONSE_HEADER)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(404, **NOT_PURCHASABLE)
    @blp.alt_response(409, **OVER_STOCK)
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    @blp.doc(security=USER_OR_GUEST)
    def put(self, headers: dict[str, Any], body: dict[str, Any], variant_id: int) -> Reply:
        """Set a line's quantity; 0 removes the line."""
        a = adapters()
        view = cart.set_item(
            a.carts, a.variant_lookup, _rules(a), _owner(headers), variant_id, body["quantity"]
        )
        return _reply(view)

    @blp.arguments(CartTokenHeaderSchema, location="headers")
    @blp.response(200, CartSchema, headers=CART_TOKEN_RESPONSE_HEADER)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    @blp.doc(security=USER_OR_GUEST)
    def delete(self, headers: dict[str, Any], variant_id: int) -> Reply:
        """Remove a line (removing a line that is not there changes nothing)."""
        a = adapters()
        view = cart.remove_item(a.carts, a.variant_lookup, _rules(a), _owner(headers), variant_id)
        return _reply(view)


@blp.route("/merge")
class CartMerge(MethodView):
    @jwt_required()
    @blp.arguments(MergeHeaderSchema, location="headers")
    @blp.response(200, MergedCartSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY", description="No X-Cart-Token.")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    @blp.doc(security=BEARER)
    def post(self, headers: dict[str, Any]) -> Reply:
        """Move a guest cart into the signed-in user's cart; the guest cart is gone afterwards.

        Quantities are summed and capped at the stock and the line limit; `adjustments` lists
        every cut line.
        """
        a = adapters()
        view, cut = cart.merge_into_user_cart(
            a.carts, a.variant_lookup, _rules(a), auth.current_user_id(), headers["token"]
        )
        return _reply(view, adjustments=[_adjustment(item) for item in cut])


def merge_guest_cart_at_login(user: User) -> None:
    """Merge the request's X-Cart-Token guest cart, if any, into the user's cart.

    The login response stays as API.md has it (tokens only); GET /cart shows the result.
    """
    token = request.headers.get(CART_TOKEN_HEADER)
    check_text(CART_TOKEN_HEADER, token)
    if token and user.id is not None:
        a = adapters()
        cart.merge_carts(a.carts, a.variant_lookup, _rules(a), user.id, token)


def document_line_limit(api: ShopApi, max_line_quantity: int) -> None:
    """Put this deployment's SHOP_MAX_LINE_QUANTITY into the documented quantity bounds.

    The limit is a setting, so the schemas cannot hold it; the service enforces it (422).
    """
    schemas = api.spec.components.schemas
    for name in ("AddItem", "SetItem"):
        schemas[name]["properties"]["quantity"]["maximum"] = max_line_quantity
