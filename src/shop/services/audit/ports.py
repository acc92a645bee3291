"""What recording and reading the audit log needs. Every feature whose use cases change
something on an admin's behalf records through `AuditTrail`, in its own transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from shop.domain.audit import Actor, AuditEntry, Change
from shop.services.common import Page, UnitOfWork


class AuditTrail(Protocol):
    def record(self, entry: AuditEntry) -> None:
        """Add the entry to the unit of work's transaction (written at its commit)."""
        ...

    def record_many(self, actor: Actor, at: datetime, changes: Sequence[Change]) -> None:
        """Write the entries of these changes now, in the unit of work's transaction, in one
        statement (bulk writers such as catalog imports)."""
        ...


class AuditedUnitOfWork(UnitOfWork, Protocol):
    """A unit of work whose changes are audited; `flush` gives new entities their ids."""

    @property
    def audit(self) -> AuditTrail: ...

    def flush(self) -> None: ...


@dataclass(frozen=True)
class AuditFilter:
    actor_id: int | None = None
    entity: str | None = None
    entity_id: str | None = None
    since: datetime | None = None


class AuditQueries(Protocol):
    def entries(self, filters: AuditFilter, page: int, page_size: int) -> Page:
        """Entries newest first, as API rows, and how many match."""
        ...
