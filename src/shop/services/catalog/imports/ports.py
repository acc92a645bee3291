"""What catalog imports need: where an import's record and file live, its progress while it
runs, the job queue that runs it, and bulk reads of the catalog by key."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from shop.domain.audit import Actor
from shop.domain.catalog.csv_rows import RowError
from shop.domain.catalog.products import Product
from shop.domain.catalog.taxonomy import Category
from shop.services.catalog.imports.files import UploadedFile
from shop.services.catalog.ports import CatalogUnitOfWork
from shop.services.common import UnitOfWorkFactory


class ImportState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ImportMode(StrEnum):
    DRY_RUN = "dry_run"
    APPLY = "apply"


class Outcome(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass
class ImportResult:
    """What a pass over the file found: counts by outcome, the errors (the first
    MAX_REPORTED_ERRORS of them), and the stock the dry run saw of each variant whose stock
    the file changes (an apply changes stock by the file's difference from it)."""

    rows_total: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {o.value: 0 for o in Outcome})
    errors: list[RowError] = field(default_factory=list)
    seen_stock: dict[str, int] = field(default_factory=dict)
    fatal: bool = False  # the header lacks a required column: no row was read


@dataclass(frozen=True)
class ImportRecord:
    id: int
    state: ImportState
    mode: ImportMode
    file_sha256: str
    actor: Actor
    created_at: datetime
    result: ImportResult
    failure: str | None = None


class ImportRecords(Protocol):
    """Imports and their files, each change in a short transaction of its own."""

    def add(self, mode: ImportMode, file: UploadedFile, actor: Actor, at: datetime) -> int:
        """A new queued import, its file stored chunk by chunk as `file.chunks()` yields them,
        with the file's hash; its id. Nothing is stored when `chunks()` raises."""
        ...

    def get(self, import_id: int) -> ImportRecord | None: ...

    def chunks(self, import_id: int) -> Iterator[bytes]:
        """The stored file, chunk by chunk (one chunk in memory at a time)."""
        ...

    def claim(
        self, import_id: int, mode: ImportMode, allowed: Iterable[ImportState], at: datetime
    ) -> bool:
        """Move the import to `mode` and queued at `at` if it is in one of `allowed` (atomic)."""
        ...

    def start(self, import_id: int, at: datetime) -> bool:
        """queued -> running, its heartbeat at `at`; False when it was not queued (e.g. a job
        delivered twice)."""
        ...

    def beat(self, import_id: int, at: datetime) -> None:
        """The running job is alive at `at`."""
        ...

    def finish(
        self,
        import_id: int,
        state: ImportState,
        result: ImportResult,
        at: datetime,
        failure: str | None = None,
    ) -> None:
        """Record the outcome, unless the import was failed meanwhile (by the stall sweep)."""
        ...

    def fail_stalled(
        self, silent_since: datetime, failure: str, at: datetime, import_id: int | None = None
    ) -> int:
        """Fail the running imports (or just `import_id`) whose last heartbeat is older than
        `silent_since`; how many."""
        ...

    def requeue_lost(
        self, queued_before: datetime, at: datetime, import_id: int | None = None
    ) -> list[int]:
        """The queued imports (or just `import_id`) handed to the queue before
        `queued_before`, each marked as handed again at `at`, atomically: two sweeps at
        once never both take one."""
        ...


class ImportProgress(Protocol):
    """Rows done so far of a running import, readable by every process while it runs."""

    def set(self, import_id: int, rows_total: int, rows_done: int) -> None: ...

    def get(self, import_id: int) -> tuple[int, int] | None: ...


class ImportJobs(Protocol):
    def enqueue(self, import_id: int) -> None:
        """Have `run_import(import_id)` run in a worker (or this process's job thread)."""
        ...


class CatalogByKey(Protocol):
    """Bulk reads of what import rows name, a fixed number of statements per batch."""

    def products_by_slug(self, slugs: Iterable[str], lock: bool) -> dict[str, Product]:
        """The products with these slugs and their variants; with `lock`, locked until the
        commit (an apply), so that no other write to them interleaves."""
        ...

    def sku_owners(self, skus: Iterable[str]) -> dict[str, str]:
        """For each existing SKU among `skus`, the slug of the product it belongs to."""
        ...

    def categories_by_slug(self, slugs: Iterable[str]) -> dict[str, Category]: ...

    def release(self) -> None:
        """Write what is pending and forget the loaded entities (bounded memory)."""
        ...


class ImportSettlement(Protocol):
    """An apply's end, written in its own transaction so that it commits with the changes."""

    def settle(self, import_id: int, result: ImportResult, at: datetime) -> bool:
        """running -> done with its report; False (commit nothing) when the import is no
        longer running (the stall sweep failed it)."""
        ...

    def refresh_statistics(self) -> None:
        """After a large apply: have the database re-read the catalog tables' statistics
        (counting this transaction's rows), so that the queries after the commit are planned
        for the tables' new size, not for empty tables."""
        ...


class ImportUnitOfWork(CatalogUnitOfWork, Protocol):
    @property
    def catalog_by_key(self) -> CatalogByKey: ...

    @property
    def import_settlement(self) -> ImportSettlement: ...


ImportUnitOfWorkFactory = UnitOfWorkFactory[ImportUnitOfWork]
