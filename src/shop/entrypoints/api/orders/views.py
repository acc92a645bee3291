"""/api/v1/orders: a customer's own orders, everybody's for an admin, a guest's by its token."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_jwt_extended import get_jwt, jwt_required, verify_jwt_in_request
from flask_smorest.pagination import PaginationParameters

from shop.domain.errors import Forbidden, Unauthorized
from shop.domain.orders.status import OrderStatus
from shop.entrypoints.api import BEARER, MAX_PAGE_SIZE, PAGE_SIZE, Blueprint
from shop.entrypoints.api.orders.schemas import (
    OrderQuerySchema,
    OrderSchema,
    OrderTokenHeaderSchema,
    StatusChangeSchema,
    present,
)
from shop.entrypoints.web import auth
from shop.entrypoints.web.context import adapters
from shop.services.orders import manage
from shop.services.orders.manage import Viewer
from shop.services.orders.ports import OrderFilters

blp = Blueprint("orders", __name__, url_prefix="/api/v1/orders", description="Orders")

BEARER_OR_ORDER_TOKEN = [*BEARER, {"orderToken": []}]


def viewer(order_token: str | None = None) -> Viewer:
    verify_jwt_in_request(optional=True)
    claims = get_jwt()
    if not claims and not order_token:
        raise Unauthorized("A bearer token or an X-Order-Token is required.")
    user_id = int(claims["sub"]) if claims else None
    return Viewer(
        user_id=user_id, is_admin=bool(claims) and auth.is_admin(), order_token=order_token
    )


def _errors(*statuses: int) -> Any:
    def decorator(view: Any) -> Any:
        for status in statuses:
            view = blp.alt_response(status, response=_NAMES[status])(view)
        return view

    return decorator


_NAMES = {
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    409: "CONFLICT",
    422: "UNPROCESSABLE_ENTITY",
    503: "SERVICE_UNAVAILABLE",
}


@blp.route("")
class Orders(MethodView):
    @jwt_required()
    @blp.arguments(OrderQuerySchema, location="query")
    @blp.response(200, OrderSchema(many=True))
    @blp.paginate(page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
    @_errors(401, 422, 503)
    @blp.doc(security=BEARER)
    def get(self, query: dict[str, Any], pagination_parameters: PaginationParameters) -> Any:
        """Orders, newest first: a customer's own; every order for an admin (who may also
        filter by `email`)."""
        who = viewer()
        status = query.get("status")
        filters = OrderFilters(
            status=OrderStatus(status) if status else None,
            email=query.get("email") if who.is_admin else None,
            created_after=query.get("created_after"),
            created_before=query.get("created_before"),
        )
        orders, pagination_parameters.item_count = manage.list_orders(
            adapters().ordering.uow,
            who,
            filters,
            pagination_parameters.page,
            pagination_parameters.page_size,
        )
        return [present(order) for order in orders]


@blp.route("/<int:order_id>")
class OrderItem(MethodView):
    @blp.arguments(OrderTokenHeaderSchema, location="headers")
    @blp.response(200, OrderSchema)
    @_errors(401, 404, 503)
    @blp.doc(security=BEARER_OR_ORDER_TOKEN)
    def get(self, headers: dict[str, Any], order_id: int) -> Any:
        """The order, for its owner, an admin, or a guest with its X-Order-Token (404 for
        anybody else)."""
        who = viewer(headers.get("token"))
        return present(manage.get_order(adapters().ordering.uow, who, order_id))

    @jwt_required()
    @blp.arguments(StatusChangeSchema)
    @blp.response(200, OrderSchema)
    @_errors(401, 403, 404, 409, 422, 503)
    @blp.doc(security=BEARER)
    def patch(self, body: dict[str, Any], order_id: int) -> Any:
        """Move the order (admins): pending->paid, paid->shipped, shipped->delivered,
        pending/paid->cancelled (which returns the stock); any other move is 409."""
        if not auth.is_admin():
            raise Forbidden("Only administrators change an order's status.")
        a = adapters()
        target = OrderStatus(body["status"])
        order = manage.change_status(
            a.ordering.uow,
            a.clock,
            order_id,
            target,
            refunds=a.ordering.payments.refunds,
            actor=auth.api_actor(),
        )
        return present(order)


@blp.route("/<int:order_id>/cancel")
class OrderCancel(MethodView):
    @jwt_required()
    @blp.response(200, OrderSchema)
    @_errors(401, 404, 409, 503)
    @blp.doc(security=BEARER)
    def post(self, order_id: int) -> Any:
        """Cancel the order (its owner while pending; an admin while pending or paid); the
        units go back to stock in the same transaction, once."""
        a = adapters()
        who = viewer()
        by_admin = auth.api_actor() if who.is_admin else None
        cancelled = manage.cancel_order(
            a.ordering.uow,
            a.clock,
            who,
            order_id,
            refunds=a.ordering.payments.refunds,
            actor=by_admin,
        )
        return present(cancelled)
