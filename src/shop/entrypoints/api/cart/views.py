"""/api/v1/cart: a user's cart (Bearer token) or a guest's (X-Cart-Token), kept in Redis.

With a Bearer token the user's own cart is used and X-Cart-Token is ignored (except by the
merge and at login). A guest's first write creates a cart whose token comes back in the
X-Cart-Token response header and the body's `token`.
"""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask.views import MethodView
from flask_jwt_extended import jwt_required

from shop.entrypoints.api import BEARER, Blueprint, ShopApi
from shop.entrypoints.api.cart.rendering import adjustment, reply
from shop.entrypoints.api.cart.schemas import (
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
from shop.entrypoints.api.cart_owner import cart_owner, unchecked_cart_owner
from shop.entrypoints.api.schemas import ProblemSchema
from shop.entrypoints.web import auth
from shop.entrypoints.web.cart_fast_path import FAILED_READ_ENVIRON_KEY
from shop.entrypoints.web.context import adapters
from shop.entrypoints.web.problems import PROBLEM_JSON
from shop.services.cart import items, merge

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


@blp.route("")
class Cart(MethodView):
    @blp.arguments(CartTokenHeaderSchema, location="headers")
    @blp.response(200, CartSchema, headers=CART_TOKEN_RESPONSE_HEADER)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    @blp.doc(security=USER_OR_GUEST)
    def get(self, headers: dict[str, Any]) -> Response:
        """The cart at live prices (an empty cart without a token for a guest with none)."""
        failed = request.environ.get(FAILED_READ_ENVIRON_KEY)
        if failed is not None:  # the same read, tried in front of Flask: answer its error
            raise failed
        owner, credential = unchecked_cart_owner(headers.get("token"))
        if credential is not None:  # its revocation is read with the cart, in one round trip
            return reply(items.view_signed_in_cart(adapters().cart, credential))
        return reply(items.view_cart(adapters().cart, owner))

    @blp.arguments(CartTokenHeaderSchema, location="headers")
    @blp.response(204)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    @blp.doc(security=USER_OR_GUEST)
    def delete(self, headers: dict[str, Any]) -> None:
        """Empty the cart. A guest's token stays valid until the cart expires."""
        items.clear_cart(adapters().cart, cart_owner(headers.get("token")))


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
    def post(self, headers: dict[str, Any], body: dict[str, Any]) -> Response:
        """Add units of a variant to the cart (a guest without a cart gets a new one)."""
        owner = cart_owner(headers.get("token"))
        return reply(items.add_item(adapters().cart, owner, body["variant_id"], body["quantity"]))


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
    def put(self, headers: dict[str, Any], body: dict[str, Any], variant_id: int) -> Response:
        """Set a line's quantity; 0 removes the line."""
        owner = cart_owner(headers.get("token"))
        return reply(items.set_item(adapters().cart, owner, variant_id, body["quantity"]))

    @blp.arguments(CartTokenHeaderSchema, location="headers")
    @blp.response(200, CartSchema, headers=CART_TOKEN_RESPONSE_HEADER)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    @blp.doc(security=USER_OR_GUEST)
    def delete(self, headers: dict[str, Any], variant_id: int) -> Response:
        """Remove a line (removing a line that is not there changes nothing)."""
        owner = cart_owner(headers.get("token"))
        return reply(items.remove_item(adapters().cart, owner, variant_id))


@blp.route("/merge")
class CartMerge(MethodView):
    @jwt_required()
    @blp.arguments(MergeHeaderSchema, location="headers")
    @blp.response(200, MergedCartSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY", description="No X-Cart-Token.")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    @blp.doc(security=BEARER)
    def post(self, headers: dict[str, Any]) -> Response:
        """Move a guest cart into the signed-in user's cart; the guest cart is gone afterwards.

        Quantities are summed and capped at the stock and the line limit; `adjustments` lists
        every cut line.
        """
        view, cut = merge.merge_into_user_cart(
            adapters().cart, auth.current_user_id(), headers["token"]
        )
        return reply(view, adjustments=[adjustment(item) for item in cut])


def document_line_limit(api: ShopApi, max_line_quantity: int) -> None:
    """Put this deployment's SHOP_MAX_LINE_QUANTITY into the documented quantity bounds.

    The limit is a setting, so the schemas cannot hold it; the service enforces it (422).
    """
    schemas = api.spec.components.schemas
    for name in ("AddItem", "SetItem"):
        schemas[name]["properties"]["quantity"]["maximum"] = max_line_quantity
