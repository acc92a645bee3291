"""What the order use cases need: orders and stock, in one unit of work."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from shop.domain.cart.pricing import VariantSnapshot
from shop.domain.orders.model import Order
from shop.domain.orders.status import OrderStatus
from shop.services.audit.ports import AuditedUnitOfWork


@dataclass(frozen=True)
class OrderFilters:
    """Which orders a list shows: `user_id` None means everybody's (admins only)."""

    user_id: int | None = None
    status: OrderStatus | None = None
    email: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None


class RefundRequests(Protocol):
    def dispatch(self, order_id: int) -> None:
        """Hand a cancelled order's refunds to a job, after the cancel committed."""
        ...


class OrderViewer(Protocol):
    """Who asks about an order, and whether they may see it (owner, admin, token holder)."""

    def may_see(self, order: Order) -> bool: ...


class OrderRepository(Protocol):
    def add(self, order: Order) -> int:
        """Write the order and its lines; sets and returns its id."""
        ...

    def get(self, order_id: int, *, for_update: bool = False) -> Order | None:
        """The order with its lines; `for_update` locks its row until the commit."""
        ...

    def set_status(
        self, order_id: int, current: OrderStatus, target: OrderStatus, now: datetime
    ) -> bool:
        """Move the order to `target` only if it is still in `current`; False otherwise."""
        ...

    def find(self, filters: OrderFilters, page: int, page_size: int) -> tuple[list[Order], int]:
        """One page of orders, newest first, and the number of matches."""
        ...


class StockRepository(Protocol):
    def lock(self, variant_ids: Sequence[int]) -> dict[int, VariantSnapshot]:
        """The variants that exist among `variant_ids`, their rows locked until the commit,
        always in ascending id order (so two transactions never wait on each other in a
        cycle)."""
        ...

    def take(self, quantities: Mapping[int, int]) -> bool:
        """Decrement each variant's stock by its quantity, all or none, only where the stock
        suffices (a guarded update); False, changing nothing, when any line fell short."""
        ...

    def give_back(self, quantities: Mapping[int, int]) -> None:
        """Return units to the variants that still exist."""
        ...


class OrdersUnitOfWork(AuditedUnitOfWork, Protocol):
    """Orders and stock; an admin's move of an order is audited in the same transaction."""

    @property
    def orders(self) -> OrderRepository: ...

    @property
    def stock(self) -> StockRepository: ...


class OrdersUnitOfWorkFactory(Protocol):
    def __call__(self) -> OrdersUnitOfWork: ...


@dataclass(frozen=True)
class OrderFigures:
    """The dashboard's order figures. Revenue counts orders that were paid (paid, shipped or
    delivered), by the day they were placed."""

    orders_today: int
    orders_week: int
    revenue_today: Decimal
    revenue_week: Decimal
    awaiting_fulfilment: int  # paid, not yet shipped


class OrderFigureQueries(Protocol):
    def figures(self, day_start: datetime, week_start: datetime) -> OrderFigures: ...
