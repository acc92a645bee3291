"""In-memory fakes of the checkout, orders and notifications ports.

One `FakeShopState` plays the database; each unit of work works on a copy of it and writes the
copy back only on commit, so a use case that fails half-way leaves the state as it was.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.message import EmailMessage
from types import TracebackType
from typing import Any, Self

from shop.domain.accounts.users import User
from shop.domain.audit import AuditEntry
from shop.domain.cart.pricing import VariantSnapshot
from shop.domain.orders.model import Order
from shop.domain.orders.status import OrderStatus
from shop.domain.payments.model import Payment, PaymentEvent, PaymentStatus
from shop.services.checkout.ports import IdempotencyRecord
from shop.services.notifications.ports import DeliveryFailed, OutboxEntry, OutboxState
from shop.services.orders.ports import OrderFilters
from shop.services.payments.ports import PaymentFilters
from tests.unit.fakes import FakeAuditTrail


@dataclass
class IdempotencyRow:
    id: int
    scope: str
    key: str
    fingerprint: str
    lease: str | None
    locked_until: datetime | None
    created_at: datetime
    status_code: int | None = None
    body: str | None = None


@dataclass
class FakeShopState:
    variants: dict[int, VariantSnapshot] = field(default_factory=dict)
    users: dict[int, User] = field(default_factory=dict)
    orders: dict[int, Order] = field(default_factory=dict)
    outbox: dict[int, OutboxEntry] = field(default_factory=dict)
    keys: dict[tuple[str, str], IdempotencyRow] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)
    payments: dict[int, Payment] = field(default_factory=dict)
    events: set[tuple[str, str]] = field(default_factory=set)
    ids: Any = field(default_factory=lambda: itertools.count(1))

    def __deepcopy__(self, memo: dict[int, Any]) -> FakeShopState:
        clone = FakeShopState(
            variants=dict(self.variants),
            users=dict(self.users),
            orders=copy.deepcopy(self.orders, memo),
            outbox=dict(self.outbox),
            keys=copy.deepcopy(self.keys, memo),
            audit=list(self.audit),
            payments=copy.deepcopy(self.payments, memo),
            events=set(self.events),
        )
        clone.ids = self.ids  # ids are never reused, committed or not
        return clone


class FakeStock:
    def __init__(self, state: FakeShopState) -> None:
        self.state = state
        self.locked: list[list[int]] = []

    def lock(self, variant_ids: Sequence[int]) -> dict[int, VariantSnapshot]:
        ids = sorted(set(variant_ids))
        self.locked.append(ids)
        return {i: self.state.variants[i] for i in ids if i in self.state.variants}

    def take(self, quantities: Mapping[int, int]) -> bool:
        if any(self.state.variants[i].stock < q for i, q in quantities.items()):
            return False
        for i, q in quantities.items():
            variant = self.state.variants[i]
            self.state.variants[i] = replace(variant, stock=variant.stock - q)
        return True

    def give_back(self, quantities: Mapping[int, int]) -> None:
        for i, q in quantities.items():
            if i in self.state.variants:
                variant = self.state.variants[i]
                self.state.variants[i] = replace(variant, stock=variant.stock + q)


class FakeOrders:
    def __init__(self, state: FakeShopState) -> None:
        self.state = state

    def add(self, order: Order) -> int:
        order.id = next(self.state.ids)
        self.state.orders[order.id] = copy.deepcopy(order)
        return order.id

    def get(self, order_id: int, *, for_update: bool = False) -> Order | None:
        """The order with its payments, oldest first (as the SQL repository loads it)."""
        order = self.state.orders.get(order_id)
        if order is None:
            return None
        found = copy.deepcopy(order)
        found.payments = tuple(
            copy.deepcopy(p) for p in self.state.payments.values() if p.order_id == order_id
        )
        return found

    def set_status(
        self, order_id: int, current: OrderStatus, target: OrderStatus, now: datetime
    ) -> bool:
        order = self.state.orders.get(order_id)
        if order is None or order.status != current:
            return False
        order.status, order.updated_at = target, now
        return True

    def find(self, filters: OrderFilters, page: int, page_size: int) -> tuple[list[Order], int]:
        found = [
            o
            for o in sorted(self.state.orders.values(), key=lambda o: -(o.id or 0))
            if (filters.user_id is None or o.buyer.user_id == filters.user_id)
            and (filters.status is None or o.status == filters.status)
        ]
        start = (page - 1) * page_size
        return found[start : start + page_size], len(found)


class FakeOutbox:
    def __init__(self, state: FakeShopState) -> None:
        self.state = state

    def add(self, kind: str, payload: dict[str, Any], now: datetime, due: datetime) -> int:
        entry_id = int(next(self.state.ids))
        self.state.outbox[entry_id] = OutboxEntry(
            entry_id, kind, payload, OutboxState.PENDING, 0, None, now, None, due
        )
        return entry_id

    def lock(self, entry_id: int) -> OutboxEntry | None:
        return self.state.outbox.get(entry_id)

    def mark_sent(self, entry_id: int, now: datetime) -> None:
        entry = self.state.outbox[entry_id]
        self.state.outbox[entry_id] = replace(entry, state=OutboxState.SENT, sent_at=now)

    def record_failure(self, entry_id: int, error: str, retry_at: datetime, *, dead: bool) -> None:
        entry = self.state.outbox[entry_id]
        self.state.outbox[entry_id] = replace(
            entry,
            attempts=entry.attempts + 1,
            last_error=error,
            available_at=retry_at,
            state=OutboxState.DEAD if dead else OutboxState.PENDING,
        )

    def claim_due(self, now: datetime, lease_until: datetime, limit: int) -> list[int]:
        due = [
            e.id
            for e in self.state.outbox.values()
            if e.state is OutboxState.PENDING and e.available_at <= now
        ][:limit]
        for entry_id in due:
            self.state.outbox[entry_id] = replace(
                self.state.outbox[entry_id], available_at=lease_until
            )
        return due

    def find(
        self, state: OutboxState | None, page: int, page_size: int
    ) -> tuple[list[OutboxEntry], int]:
        found = [e for e in self.state.outbox.values() if state is None or e.state is state]
        return found[(page - 1) * page_size : page * page_size], len(found)

    def revive(self, entry_id: int, now: datetime) -> bool:
        entry = self.state.outbox[entry_id]
        if entry.state is not OutboxState.DEAD:
            return False
        self.state.outbox[entry_id] = replace(
            entry, state=OutboxState.PENDING, attempts=0, available_at=now
        )
        return True

    def exists(self, entry_id: int) -> bool:
        return entry_id in self.state.outbox


class FakeIdempotency:
    def __init__(self, state: FakeShopState) -> None:
        self.state = state

    def insert(
        self, scope: str, key: str, fingerprint: str, lease: str, until: datetime, now: datetime
    ) -> int | None:
        if (scope, key) in self.state.keys:
            return None
        row = IdempotencyRow(next(self.state.ids), scope, key, fingerprint, lease, until, now)
        self.state.keys[(scope, key)] = row
        return row.id

    def get(self, scope: str, key: str) -> IdempotencyRecord | None:
        row = self.state.keys.get((scope, key))
        if row is None:
            return None
        return IdempotencyRecord(
            row.id, row.fingerprint, row.status_code, row.body, row.locked_until
        )

    def _row(self, record_id: int) -> IdempotencyRow | None:
        return next((r for r in self.state.keys.values() if r.id == record_id), None)

    def take_over(self, record_id: int, lease: str, until: datetime, now: datetime) -> bool:
        row = self._row(record_id)
        if row is None or row.status_code is not None or (row.locked_until or now) >= now:
            return False
        row.lease, row.locked_until = lease, until
        return True

    def complete(self, record_id: int, lease: str, status_code: int, body: str) -> bool:
        row = self._row(record_id)
        if row is None or row.lease != lease or row.status_code is not None:
            return False
        row.status_code, row.body, row.lease = status_code, body, None
        return True

    def release(self, record_id: int, lease: str) -> None:
        row = self._row(record_id)
        if row is not None and row.lease == lease and row.status_code is None:
            del self.state.keys[(row.scope, row.key)]

    def purge(self, created_before: datetime) -> int:
        old = [k for k, r in self.state.keys.items() if r.created_at < created_before]
        for k in old:
            del self.state.keys[k]
        return len(old)


class FakePayments:
    def __init__(self, state: FakeShopState) -> None:
        self.state = state

    def add(self, payment: Payment) -> int:
        payment.id = int(next(self.state.ids))
        self.state.payments[payment.id] = copy.deepcopy(payment)
        return payment.id

    def get(self, payment_id: int, *, for_update: bool = False) -> Payment | None:
        found = self.state.payments.get(payment_id)
        return copy.deepcopy(found) if found is not None else None

    def by_reference(self, provider: str, reference: str) -> Payment | None:
        for payment in self.state.payments.values():
            if payment.provider == provider and payment.reference == reference:
                return copy.deepcopy(payment)
        return None

    def save(self, payment: Payment) -> None:
        assert payment.id is not None
        self.state.payments[payment.id] = copy.deepcopy(payment)

    def for_order(self, order_id: int) -> list[Payment]:
        return [copy.deepcopy(p) for p in self.state.payments.values() if p.order_id == order_id]

    def record_event(self, event: PaymentEvent) -> bool:
        key = (event.provider, event.event_id)
        if key in self.state.events:
            return False
        self.state.events.add(key)
        return True

    def find(
        self, filters: PaymentFilters, page: int, page_size: int
    ) -> tuple[list[Payment], int]:
        found = [
            p
            for p in self.state.payments.values()
            if (filters.status is None or p.status == filters.status)
            and (filters.flagged is None or p.flagged == filters.flagged)
        ]
        return found[(page - 1) * page_size : page * page_size], len(found)

    def unpaid_expired(self, now: datetime, limit: int) -> Sequence[int]:
        charged = {
            p.order_id for p in self.state.payments.values() if p.status == PaymentStatus.SUCCEEDED
        }
        return [
            o.id
            for o in self.state.orders.values()
            if o.id is not None
            and o.status == OrderStatus.PENDING
            and o.pay_by is not None
            and o.pay_by < now
            and o.id not in charged
        ][:limit]

    def unrefunded_cancelled(self, limit: int) -> Sequence[int]:
        return sorted(
            {
                p.order_id
                for p in self.state.payments.values()
                if p.refundable > 0
                and self.state.orders[p.order_id].status == OrderStatus.CANCELLED
            }
        )[:limit]


class FakeUsers:
    def __init__(self, state: FakeShopState) -> None:
        self.state = state

    def get(self, user_id: int) -> User | None:
        return self.state.users.get(user_id)


class FakeOrderingUnitOfWork:
    def __init__(self, shared: FakeShopState, log: list[str]) -> None:
        self.shared = shared
        self.log = log

    def __enter__(self) -> Self:
        self.state = copy.deepcopy(self.shared)
        self.users = FakeUsers(self.state)
        self.stock = FakeStock(self.state)
        self.orders = FakeOrders(self.state)
        self.outbox = FakeOutbox(self.state)
        self.idempotency = FakeIdempotency(self.state)
        self.audit = FakeAuditTrail(self.state.audit)
        self.payments = FakePayments(self.state)
        return self

    def flush(self) -> None:
        """Ids are given when rows are added."""

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.log.append("closed")

    def rollback(self) -> None:
        self.__enter__()  # start again from what was committed

    def commit(self) -> None:
        self.shared.variants = self.state.variants
        self.shared.users = self.state.users
        self.shared.orders = self.state.orders
        self.shared.outbox = self.state.outbox
        self.shared.keys = self.state.keys
        self.shared.audit = self.state.audit
        self.shared.payments = self.state.payments
        self.shared.events = self.state.events
        self.log.append("commit")


class FakeOrderingUnitOfWorkFactory:
    def __init__(self, state: FakeShopState | None = None) -> None:
        self.state = state or FakeShopState()
        self.log: list[str] = []
        self.last: FakeOrderingUnitOfWork | None = None

    def __call__(self) -> FakeOrderingUnitOfWork:
        self.last = FakeOrderingUnitOfWork(self.state, self.log)
        return self.last

    @property
    def commits(self) -> int:
        return self.log.count("commit")


class FakeDispatcher:
    def __init__(self, fail: bool = False) -> None:
        self.dispatched: list[int] = []
        self.fail = fail

    def dispatch(self, entry_id: int) -> None:
        if self.fail:
            raise ConnectionError("queue down")
        self.dispatched.append(entry_id)


class FakeMailer:
    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []
        self.down = False

    def send(self, message: EmailMessage) -> None:
        if self.down:
            raise DeliveryFailed("connection refused")
        self.sent.append(message)
