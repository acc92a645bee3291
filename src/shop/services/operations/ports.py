"""Read-only views of the backlog an operator watches, asked for at scrape time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class QueueDepth:
    """One job queue: jobs waiting and jobs that failed for good (RQ's failed registry)."""

    name: str
    queued: int
    failed: int


@dataclass(frozen=True)
class OutboxBacklog:
    """Outbox records not sent yet, and how long the oldest of them has waited."""

    pending: int
    oldest_age_seconds: float


class JobQueueStats(Protocol):
    def depths(self) -> list[QueueDepth]:
        """Every job queue's depth; empty when jobs run inline (the embedded default)."""
        ...


class OutboxStats(Protocol):
    def backlog(self) -> OutboxBacklog | None:
        """The unsent backlog, or None while the shop keeps no outbox."""
        ...
