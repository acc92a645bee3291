"""Payments and their event ledger, read and written with Core statements."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shop.adapters.sql.order_tables import orders
from shop.adapters.sql.payment_tables import payment_events, payments
from shop.domain.payments.model import Payment, PaymentEvent, PaymentStatus
from shop.services.payments.ports import PaymentFilters


def _payment(row: Any) -> Payment:
    return Payment(
        id=row.id,
        order_id=row.order_id,
        provider=row.provider,
        reference=row.reference,
        client_secret=row.client_secret,
        status=PaymentStatus(row.status),
        amount=row.amount,
        currency=row.currency,
        refunded=row.refunded,
        flagged=row.flagged,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _changes(payment: Payment) -> dict[str, Any]:
    return {
        "reference": payment.reference,
        "client_secret": payment.client_secret,
        "status": str(payment.status),
        "amount": payment.amount,
        "currency": payment.currency,
        "refunded": payment.refunded,
        "flagged": payment.flagged,
        "updated_at": payment.updated_at or payment.created_at,
    }


def payments_of(session: Session, order_ids: Sequence[int]) -> dict[int, list[Payment]]:
    """The payments of each order, oldest first (one statement)."""
    if not order_ids:
        return {}
    found: dict[int, list[Payment]] = {}
    query = select(payments).where(payments.c.order_id.in_(order_ids)).order_by(payments.c.id)
    for row in session.execute(query):
        found.setdefault(row.order_id, []).append(_payment(row))
    return found


class SqlPaymentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, payment: Payment) -> int:
        row = {
            "order_id": payment.order_id,
            "provider": payment.provider,
            "created_at": payment.created_at,
            **_changes(payment),
        }
        payment.id = int(
            self.session.execute(insert(payments).values(row).returning(payments.c.id)).scalar_one()
        )
        return payment.id

    def get(self, payment_id: int, *, for_update: bool = False) -> Payment | None:
        query = select(payments).where(payments.c.id == payment_id)
        if for_update:
            query = query.with_for_update()
        row = self.session.execute(query).first()
        return None if row is None else _payment(row)

    def by_reference(self, provider: str, reference: str) -> Payment | None:
        query = select(payments).where(
            payments.c.provider == provider, payments.c.reference == reference
        )
        row = self.session.execute(query).first()
        return None if row is None else _payment(row)

    def save(self, payment: Payment) -> None:
        self.session.execute(
            update(payments).where(payments.c.id == payment.id).values(_changes(payment))
        )

    def for_order(self, order_id: int) -> list[Payment]:
        return payments_of(self.session, [order_id]).get(order_id, [])

    def record_event(self, event: PaymentEvent) -> bool:
        """A savepoint keeps the transaction usable when the event is a duplicate."""
        row = {
            "provider": event.provider,
            "event_id": event.event_id,
            "kind": event.kind,
            "payment_id": event.payment_id,
            "received_at": event.received_at,
        }
        try:
            with self.session.begin_nested():
                self.session.execute(insert(payment_events).values(row))
        except IntegrityError:
            return False
        return True

    def find(self, filters: PaymentFilters, page: int, page_size: int) -> tuple[list[Payment], int]:
        conditions = []
        if filters.status is not None:
            conditions.append(payments.c.status == str(filters.status))
        if filters.flagged is not None:
            conditions.append(payments.c.flagged == filters.flagged)
        where = and_(True, *conditions)
        total = self.session.scalar(select(func.count()).select_from(payments).where(where))
        rows = self.session.execute(
            select(payments)
            .where(where)
            .order_by(payments.c.id.desc())
            .limit(page_size)
            .offset((page - 1) * page_size)
        )
        return [_payment(row) for row in rows], int(total or 0)

    def unpaid_expired(self, now: datetime, limit: int) -> Sequence[int]:
        charged = exists().where(
            payments.c.order_id == orders.c.id, payments.c.status == "succeeded"
        )
        query = (
            select(orders.c.id)
            .where(orders.c.status == "pending", orders.c.pay_by < now, ~charged)
            .order_by(orders.c.pay_by)
            .limit(limit)
        )
        return list(self.session.scalars(query))

    def unrefunded_cancelled(self, limit: int) -> Sequence[int]:
        query = (
            select(payments.c.order_id)
            .join(orders, orders.c.id == payments.c.order_id)
            .where(
                orders.c.status == "cancelled",
                payments.c.status == "succeeded",
                payments.c.refunded < payments.c.amount,
            )
            .distinct()
            .limit(limit)
        )
        return list(self.session.scalars(query))
