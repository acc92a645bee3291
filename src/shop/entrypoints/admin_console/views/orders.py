"""Orders: the list with filters, and the detail with only the moves the domain allows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import redirect, render_template, request, url_for

from shop.domain.errors import ValidationFailed
from shop.domain.orders.model import Order
from shop.domain.orders.status import ALLOWED_MOVES, OrderStatus
from shop.entrypoints.admin_console.blueprint import console
from shop.entrypoints.admin_console.forms import attempt, page_count, page_number
from shop.entrypoints.admin_console.session import actor
from shop.entrypoints.admin_console.views.order_payments import payment_section
from shop.entrypoints.web.context import adapters
from shop.services.audit import log
from shop.services.audit.ports import AuditFilter
from shop.services.orders import manage
from shop.services.orders.manage import Viewer
from shop.services.orders.ports import OrderFilters

PAGE_SIZE = 25
ADMIN = Viewer(is_admin=True)
LABELS = {
    OrderStatus.PAID: "Mark paid",
    OrderStatus.SHIPPED: "Mark shipped",
    OrderStatus.DELIVERED: "Mark delivered",
    OrderStatus.CANCELLED: "Cancel order",
}
ORDER_OF_MOVES = [
    OrderStatus.PAID,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.CANCELLED,
]


@dataclass(frozen=True)
class Move:
    target: str
    label: str
    question: str


def _day(value: str, field: str, *, end: bool = False) -> datetime | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed({field: ["Use a date such as 2026-12-01."]}) from None
    moment = datetime.combine(day, time.min, tzinfo=UTC)
    return moment + timedelta(days=1) if end else moment


def moves_of(order: Order) -> list[Move]:
    allowed = ALLOWED_MOVES[order.status]
    return [
        Move(str(target), LABELS[target], _question(order, target))
        for target in ORDER_OF_MOVES
        if target in allowed
    ]


def _question(order: Order, target: OrderStatus) -> str:
    question = f"{LABELS[target]} for order #{order.id}?"
    if target == OrderStatus.CANCELLED and order.refundable > 0:
        question += f" {order.refundable:.2f} {order.currency} will be refunded."
    return question


@console.route("/orders")
def order_list() -> Any:
    args = request.args
    status = args.get("status", "")
    filters = OrderFilters(
        status=OrderStatus(status) if status in set(OrderStatus) else None,
        email=args.get("email", "").strip() or None,
        created_after=_day(args.get("created_after", ""), "created_after"),
        created_before=_day(args.get("created_before", ""), "created_before", end=True),
    )
    page = page_number()
    rows, total = manage.list_orders(adapters().ordering.uow, ADMIN, filters, page, PAGE_SIZE)
    return render_template(
        "admin/orders.html",
        rows=rows,
        total=total,
        page=page,
        pages=page_count(total, PAGE_SIZE),
        filters=filters,
        statuses=[str(s) for s in OrderStatus],
        created_after=args.get("created_after", ""),
        created_before=args.get("created_before", ""),
    )


@console.route("/orders/<int:order_id>")
def order_page(order_id: int) -> Any:
    a = adapters()
    order = manage.get_order(a.ordering.uow, ADMIN, order_id)
    history, _ = log.list_entries(
        a.audit, AuditFilter(entity="order", entity_id=str(order_id)), 1, 100
    )
    return render_template(
        "admin/order.html",
        order=order,
        moves=moves_of(order),
        history=list(reversed(history)),
        payment=payment_section(a.audit, order),
    )


@console.route("/orders/<int:order_id>/status", methods=["POST"])
def move_order(order_id: int) -> Any:
    a = adapters()
    wanted = request.form.get("status", "")
    target = OrderStatus(wanted) if wanted in set(OrderStatus) else None
    if target is None:
        attempt(lambda: _refuse(wanted), "")
    else:
        refunds = a.ordering.payments.refunds
        attempt(
            lambda: manage.change_status(
                a.ordering.uow, a.clock, order_id, target, refunds=refunds, actor=actor()
            ),
            f"Order #{order_id} is now {target}.",
        )
    return redirect(url_for("console.order_page", order_id=order_id))


def _refuse(wanted: str) -> None:
    raise ValidationFailed({"status": [f"{wanted!r} is not an order status."]})
