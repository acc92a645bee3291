"""The order status machine: explicit allowed moves, anything else is InvalidTransition."""

from __future__ import annotations

from enum import StrEnum

from shop.domain.errors import InvalidTransition


class OrderStatus(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


ALLOWED_MOVES: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.PENDING: frozenset({OrderStatus.PAID, OrderStatus.CANCELLED}),
    OrderStatus.PAID: frozenset({OrderStatus.SHIPPED, OrderStatus.CANCELLED}),
    OrderStatus.SHIPPED: frozenset({OrderStatus.DELIVERED}),
    OrderStatus.DELIVERED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}

# Someone was paid for these (an admin may mark an order paid without a payment).
PAID_STATUSES = frozenset({OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED})

# A customer may cancel only what nobody has been paid for yet; an admin also a paid order.
CUSTOMER_CANCELLABLE = frozenset({OrderStatus.PENDING})
ADMIN_CANCELLABLE = frozenset({OrderStatus.PENDING, OrderStatus.PAID})


def check_move(current: OrderStatus, target: OrderStatus) -> None:
    """Raise InvalidTransition unless `current -> target` is an allowed move."""
    if target not in ALLOWED_MOVES[current]:
        allowed = ", ".join(sorted(ALLOWED_MOVES[current])) or "nothing"
        raise InvalidTransition(
            f"An order cannot move from {current} to {target}; from {current}: {allowed}."
        )


def check_cancel(current: OrderStatus, *, by_admin: bool) -> None:
    """Raise InvalidTransition unless the caller may cancel an order in `current`."""
    allowed = ADMIN_CANCELLABLE if by_admin else CUSTOMER_CANCELLABLE
    if current not in allowed:
        who = "an administrator" if by_admin else "its customer"
        raise InvalidTransition(f"A {current} order cannot be cancelled by {who}.")
