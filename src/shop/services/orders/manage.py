"""Reading, cancelling and moving orders. Stock goes back in the same transaction as a cancel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shop.domain.audit import SYSTEM, Actor, AuditEntry
from shop.domain.errors import NotFound
from shop.domain.orders.model import Order
from shop.domain.orders.status import OrderStatus
from shop.domain.orders.tokens import token_matches
from shop.domain.payments.audit import refund_requested
from shop.services.common import Clock, TransactionConflict, check_window, with_retries
from shop.services.orders.ports import (
    OrderFilters,
    OrdersUnitOfWork,
    OrdersUnitOfWorkFactory,
    RefundRequests,
)


@dataclass(frozen=True)
class Viewer:
    """Who asks: a signed-in user (maybe an admin), or a guest holding an order token."""

    user_id: int | None = None
    is_admin: bool = False
    order_token: str | None = None

    def may_see(self, order: Order) -> bool:
        return may_see(self, order)


def may_see(viewer: Viewer, order: Order) -> bool:
    if viewer.is_admin:
        return True
    if viewer.user_id is not None and order.buyer.user_id == viewer.user_id:
        return True
    return token_matches(viewer.order_token, order.token_hash)


def list_orders(
    uow: OrdersUnitOfWorkFactory, viewer: Viewer, filters: OrderFilters, page: int, page_size: int
) -> tuple[list[Order], int]:
    """A page of orders, newest first: a customer's own, or (for an admin) everybody's.

    Raises ValidationFailed for a page beyond the first 10,000 orders.
    """
    check_window(page, page_size)
    if not viewer.is_admin:
        filters = OrderFilters(
            user_id=viewer.user_id if viewer.user_id is not None else -1,
            status=filters.status,
            created_after=filters.created_after,
            created_before=filters.created_before,
        )
    with uow() as work:
        return work.orders.find(filters, page, page_size)


def get_order(uow: OrdersUnitOfWorkFactory, viewer: Viewer, order_id: int) -> Order:
    """The order; NotFound unless the viewer owns it, holds its token or is an admin."""
    with uow() as work:
        order = work.orders.get(order_id)
    if order is None or not may_see(viewer, order):
        raise NotFound("No such order.")
    return order


def cancel_order(
    uow: OrdersUnitOfWorkFactory,
    clock: Clock,
    viewer: Viewer,
    order_id: int,
    *,
    refunds: RefundRequests,
    actor: Actor | None = None,
) -> Order:
    """Cancel the order and return its units to stock, once, however many cancels race.

    The owner may cancel a pending order, an admin a pending or paid one. Raises NotFound for
    an order the viewer may not see (guests with a token may read, not cancel) and
    InvalidTransition otherwise. An admin's cancel (given `actor`) is audited; a paid
    order's refunds go to `refunds` after the commit.
    """
    owner_only = Viewer(user_id=viewer.user_id, is_admin=viewer.is_admin)
    cancelled = with_retries(
        lambda: _change(
            uow, clock, owner_only, order_id, OrderStatus.CANCELLED, cancel=True, actor=actor
        )
    )
    return _refund_if_cancelled(refunds, cancelled)


def change_status(
    uow: OrdersUnitOfWorkFactory,
    clock: Clock,
    order_id: int,
    target: OrderStatus,
    *,
    refunds: RefundRequests,
    actor: Actor = SYSTEM,
) -> Order:
    """An admin moves an order along an allowed transition (a cancel restocks and hands the
    refunds to `refunds` after the commit), audited.

    Raises NotFound and InvalidTransition.
    """
    admin = Viewer(is_admin=True)
    moved = with_retries(
        lambda: _change(uow, clock, admin, order_id, target, cancel=False, actor=actor)
    )
    return _refund_if_cancelled(refunds, moved)


def _refund_if_cancelled(refunds: RefundRequests, order: Order) -> Order:
    """The job refunds once, however often it is handed; an order without payments has
    nothing to hand."""
    if order.status == OrderStatus.CANCELLED and order.id is not None and order.payments:
        refunds.dispatch(order.id)
    return order


def _change(
    uow: OrdersUnitOfWorkFactory,
    clock: Clock,
    viewer: Viewer,
    order_id: int,
    target: OrderStatus,
    *,
    cancel: bool,
    actor: Actor | None,
) -> Order:
    with uow() as work:
        order = work.orders.get(order_id, for_update=True)
        if order is None or not may_see(viewer, order):
            raise NotFound("No such order.")
        current = order.status
        now = clock.now()
        if cancel:
            order.cancel(now, by_admin=viewer.is_admin)
        else:
            order.move_to(target, now)
        _store_move(work, order, current)
        if actor is not None:
            changes = {"status": [str(current), str(order.status)]}
            work.audit.record(AuditEntry.of(actor, now, "status", "order", order_id, changes))
            _audit_refund_requests(work, actor, order, now)
        work.commit()
    return order


def _audit_refund_requests(
    work: OrdersUnitOfWork, actor: Actor, order: Order, now: datetime
) -> None:
    """An admin's cancel asks for every charge of the order to be refunded (a job carries it
    out after the commit): the request is the admin's change, audited with the cancel."""
    if order.status != OrderStatus.CANCELLED:
        return
    for payment in order.payments:
        if payment.refundable > 0:
            work.audit.record(refund_requested(actor, now, payment))


def _store_move(work: OrdersUnitOfWork, order: Order, current: OrderStatus) -> None:
    assert order.id is not None
    assert order.updated_at is not None
    if not work.orders.set_status(order.id, current, order.status, order.updated_at):
        # Another transaction moved it first; the next attempt sees where it is now.
        raise TransactionConflict()
    if order.returns_stock:
        work.stock.give_back(order.quantities)
