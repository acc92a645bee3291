"""Retrying a business transaction that the database aborted to keep it serialisable."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Protocol, Self, TypeVar

from shop.domain.errors import ServiceUnavailable

T = TypeVar("T")
TRANSACTION_ATTEMPTS = 4


class Transaction(Protocol):
    """A unit of work's lifecycle: leaving the `with` block without `commit()` rolls back."""

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...


class TransactionConflict(Exception):
    """The database aborted the transaction (serialization failure or deadlock); nothing of it
    was kept, and running it again may well succeed."""


def with_retries(attempt: Callable[[], T], attempts: int = TRANSACTION_ATTEMPTS) -> T:
    """Run `attempt` (one whole transaction) until it is not aborted, at most `attempts` times.

    Raises ServiceUnavailable("database") when every attempt was aborted.
    """
    for _ in range(attempts):
        try:
            return attempt()
        except TransactionConflict:
            continue
    raise ServiceUnavailable("database")
