"""What every feature's use cases share: the clock, the unit-of-work shape, paging, and the
one error a backing service that does not answer becomes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, Self, TypeVar

from shop.domain.errors import DomainError, ValidationFailed


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class ServiceUnavailable(DomainError):
    """A backing service (database, Redis) does not answer; the caller may retry.

    Adapters raise it in place of their drivers' connection errors, so that services and
    entry points never need to know those drivers.
    """

    title = "Service unavailable"

    def __init__(self, service: str) -> None:
        super().__init__(f"{service} is unavailable; retry shortly.")
        self.service = service


class UnitOfWork(Protocol):
    """One business transaction: everything commits together or nothing does.

    Leaving the `with` block without `commit()` rolls back. Each feature's ports extend it
    with the repositories its use cases need, as read-only properties.
    """

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


U = TypeVar("U", bound=UnitOfWork, covariant=True)


class UnitOfWorkFactory(Protocol[U]):
    """Makes a fresh unit of work per use case (never one shared between requests)."""

    def __call__(self) -> U: ...


Row = dict[str, Any]
"""A read model: a plain dict shaped like an API response."""

Page = tuple[list[Row], int]
"""One page of rows and the number of rows that match in all, which may be counted only up to
MAX_WINDOW + 1 (more than MAX_WINDOW reads "at least MAX_WINDOW": the exact figure is never
needed)."""


T = TypeVar("T")
TRANSACTION_ATTEMPTS = 4


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


MAX_WINDOW = 10_000  # a page may not reach past the 10,000th match


def check_window(page: int, page_size: int) -> None:
    """Raise ValidationFailed when the page reaches past MAX_WINDOW matches."""
    if page * page_size > MAX_WINDOW:
        raise ValidationFailed(
            {"page": [f"Pages stop at match {MAX_WINDOW}; narrow the filters."]},
            "The page is beyond the first 10,000 matches.",
        )
