"""The bundles of dependencies the composition root hands to each feature (see bootstrap)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from shop.services.catalog.exports import CatalogExport
from shop.services.catalog.imports.run import ImportDependencies
from shop.services.catalog.ports import (
    CatalogOverview,
    CatalogQueries,
    CatalogUnitOfWorkFactory,
    CatalogVersion,
)
from shop.services.operations.ports import JobQueueStats, OutboxStats
from shop.services.reviews.ports import (
    PurchaseRecords,
    ReviewQueries,
    ReviewsUnitOfWorkFactory,
)


class ResponseCache(Protocol):
    """Where cached catalog responses are kept. Raises ServiceUnavailable when it fails."""

    def get(self, key: str) -> Any: ...

    def set(self, key: str, value: Any) -> None: ...


@dataclass(frozen=True)
class CatalogBundle:
    uow: CatalogUnitOfWorkFactory
    version: CatalogVersion
    queries: CatalogQueries
    responses: ResponseCache | None  # None: catalog responses are not cached
    overview: CatalogOverview
    export: CatalogExport
    imports: ImportDependencies


@dataclass(frozen=True)
class ReviewsBundle:
    uow: ReviewsUnitOfWorkFactory
    version: CatalogVersion  # a review changes its product's rating: a catalog change
    queries: ReviewQueries
    purchases: PurchaseRecords


@dataclass(frozen=True)
class OperationsBundle:
    """What /metrics reads at scrape time: the job queues (RQ) and the outbox backlog."""

    queues: JobQueueStats
    outbox: OutboxStats


@dataclass(frozen=True)
class RateLimitStorage:
    """Where flask-limiter keeps its counters (it builds its storage from a URI)."""

    uri: str
    options: dict[str, float | str | bool] = field(default_factory=dict)
