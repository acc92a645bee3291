"""The unit of work of checkout, orders and notifications: the catalog's, plus their tables.

A transaction that PostgreSQL aborts to stay serialisable (a serialization failure or a
deadlock) leaves as TransactionConflict, which the use cases retry a few times.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Self

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from shop.adapters.sql.engine import is_retryable
from shop.adapters.sql.idempotency import SqlIdempotencyRepository
from shop.adapters.sql.orders import SqlOrderRepository
from shop.adapters.sql.outbox import SqlOutboxRepository
from shop.adapters.sql.payments import SqlPaymentRepository
from shop.adapters.sql.stock import SqlStockRepository
from shop.adapters.sql.unit_of_work import SqlAlchemyUnitOfWork
from shop.services.common import TransactionConflict


class SqlOrderingUnitOfWork(SqlAlchemyUnitOfWork):
    stock: SqlStockRepository

    def __enter__(self) -> Self:
        super().__enter__()
        self.stock = SqlStockRepository(self.session)
        self.orders = SqlOrderRepository(self.session)
        self.outbox = SqlOutboxRepository(self.session)
        self.idempotency = SqlIdempotencyRepository(self.session)
        self.payments = SqlPaymentRepository(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if is_retryable(exc):  # before the base class takes it for a database outage
            self.session.close()
            raise TransactionConflict() from exc
        super().__exit__(exc_type, exc, tb)

    @contextmanager
    def _refusals(self, undo: Callable[[], None]) -> Iterator[None]:
        """The base class's, and an aborted transaction (at a flush or the commit) is a
        TransactionConflict."""
        try:
            with super()._refusals(undo):
                yield
        except DBAPIError as exc:
            if not is_retryable(exc):
                raise
            self.session.rollback()
            raise TransactionConflict() from exc


class SqlOrderingUnitOfWorkFactory:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self.session_factory = session_factory

    def __call__(self) -> SqlOrderingUnitOfWork:
        return SqlOrderingUnitOfWork(self.session_factory)
