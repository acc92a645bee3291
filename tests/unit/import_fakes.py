"""In-memory fakes of the catalog-import ports: the import records, progress, an inline job
queue, the bulk reads by key, and an export reading the fake catalog."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from shop.domain.audit import Actor
from shop.domain.catalog.products import Product
from shop.domain.catalog.taxonomy import Category
from shop.services.catalog.exports import CatalogExport, ExportFilter, ExportRow
from shop.services.catalog.imports.files import UploadedFile
from shop.services.catalog.imports.ports import (
    ImportJobs,
    ImportMode,
    ImportProgress,
    ImportRecord,
    ImportRecords,
    ImportResult,
    ImportState,
    ImportUnitOfWorkFactory,
)
from shop.services.catalog.imports.run import ImportDependencies, run_import
from tests.unit.fakes import CLOCK, FakeCatalogVersion, FakeUnitOfWork

_import_ids = itertools.count(1)


class FakeCatalogByKey:
    def __init__(self, uow: FakeImportUnitOfWork) -> None:
        self.uow = uow

    def products_by_slug(self, slugs: Iterable[str], lock: bool) -> dict[str, Product]:
        wanted = set(slugs)
        return {p.slug: p for p in self.uow.products.rows.values() if p.slug in wanted}

    def sku_owners(self, skus: Iterable[str]) -> dict[str, str]:
        wanted = set(skus)
        return {
            v.sku: p.slug
            for p in self.uow.products.rows.values()
            for v in p.variants
            if v.sku in wanted
        }

    def categories_by_slug(self, slugs: Iterable[str]) -> dict[str, Category]:
        wanted = set(slugs)
        return {c.slug: c for c in self.uow.categories.rows.values() if c.slug in wanted}

    def release(self) -> None:
        self.uow.flush()


class FakeImportUnitOfWork(FakeUnitOfWork):
    records: FakeImportRecords | None = None  # set by import_dependencies

    @property
    def catalog_by_key(self) -> FakeCatalogByKey:
        return FakeCatalogByKey(self)

    @property
    def import_settlement(self) -> FakeSettlement:
        assert self.records is not None
        return FakeSettlement(self.records)


class FakeSettlement:
    def __init__(self, records: FakeImportRecords) -> None:
        self.records = records

    def settle(self, import_id: int, result: ImportResult, at: datetime) -> bool:
        record = self.records.rows[import_id]
        if record.state is not ImportState.RUNNING:
            return False
        self.records.rows[import_id] = replace(record, state=ImportState.DONE, result=result)
        return True

    def refresh_statistics(self) -> None:
        self.records.statistics_refreshed = True


class FakeImportRecords:
    def __init__(self) -> None:
        self.rows: dict[int, ImportRecord] = {}
        self.files: dict[int, bytes] = {}
        self.heartbeats: dict[int, datetime] = {}
        self.statistics_refreshed = False

    def add(self, mode: ImportMode, file: UploadedFile, actor: Actor, at: datetime) -> int:
        chunks = list(file.chunks())
        import_id = next(_import_ids)
        self.rows[import_id] = ImportRecord(
            import_id, ImportState.QUEUED, mode, file.sha256, actor, at, ImportResult()
        )
        self.files[import_id] = b"".join(chunks)
        return import_id

    def get(self, import_id: int) -> ImportRecord | None:
        return self.rows.get(import_id)

    def chunks(self, import_id: int) -> Iterator[bytes]:
        """The file in chunks of 7 bytes: records and characters cross chunk boundaries."""
        content = self.files.get(import_id, b"")
        return (content[i : i + 7] for i in range(0, len(content), 7))

    def claim(
        self, import_id: int, mode: ImportMode, allowed: Iterable[ImportState], at: datetime
    ) -> bool:
        record = self.rows[import_id]
        if record.mode is mode or record.state not in set(allowed):
            return False
        self.rows[import_id] = replace(record, mode=mode, state=ImportState.QUEUED)
        self.heartbeats[import_id] = at
        return True

    def start(self, import_id: int, at: datetime) -> bool:
        record = self.rows[import_id]
        if record.state is not ImportState.QUEUED:
            return False
        self.rows[import_id] = replace(record, state=ImportState.RUNNING)
        self.heartbeats[import_id] = at
        return True

    def beat(self, import_id: int, at: datetime) -> None:
        self.heartbeats[import_id] = at

    def fail_stalled(
        self, silent_since: datetime, failure: str, at: datetime, import_id: int | None = None
    ) -> int:
        stalled = [
            r.id
            for r in self.rows.values()
            if r.state is ImportState.RUNNING
            and self.heartbeats[r.id] < silent_since
            and import_id in (None, r.id)
        ]
        for found in stalled:
            self.rows[found] = replace(self.rows[found], state=ImportState.FAILED, failure=failure)
        return len(stalled)

    def requeue_lost(
        self, queued_before: datetime, at: datetime, import_id: int | None = None
    ) -> list[int]:
        lost = [
            r.id
            for r in self.rows.values()
            if r.state is ImportState.QUEUED
            and self.heartbeats.get(r.id, r.created_at) < queued_before
            and import_id in (None, r.id)
        ]
        for found in lost:
            self.heartbeats[found] = at
        return lost

    def finish(
        self,
        import_id: int,
        state: ImportState,
        result: ImportResult,
        at: datetime,
        failure: str | None = None,
    ) -> None:
        if self.rows[import_id].state is ImportState.FAILED:
            return  # failed meanwhile by the stall sweep
        self.rows[import_id] = replace(
            self.rows[import_id], state=state, result=result, failure=failure
        )



class FakeProgress:
    def __init__(self) -> None:
        self.seen: list[tuple[int, int]] = []

    def set(self, import_id: int, rows_total: int, rows_done: int) -> None:
        self.seen.append((rows_total, rows_done))

    def get(self, import_id: int) -> tuple[int, int] | None:
        return self.seen[-1] if self.seen else None


class InlineJobs:
    """Runs each queued import at once (set `deps` after building the dependencies)."""

    def __init__(self) -> None:
        self.deps: ImportDependencies | None = None

    def enqueue(self, import_id: int) -> None:
        assert self.deps is not None
        run_import(self.deps, import_id)


class FakeExport:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow

    def attribute_names(self) -> list[str]:
        return sorted(a.name for a in self.uow.attributes.rows.values())

    def rows(self, filters: ExportFilter) -> Iterator[ExportRow]:
        names = {a.id: a.name for a in self.uow.attributes.rows.values()}
        categories = self.uow.categories.rows
        for product in sorted(self.uow.products.rows.values(), key=lambda p: p.id or 0):
            common = ExportRow(
                product_slug=product.slug,
                product_name=product.name,
                category_slug=categories[product.category_id].slug,
                description=product.description,
                image_url=product.image_url or "",
                product_active=product.is_active,
                sku=None,
                price=None,
                stock=None,
                variant_active=None,
                attributes={},
            )
            if not product.variants:
                yield common
            for v in product.variants:
                attributes = {
                    names[value.attribute_id]: value.value for value in v.attribute_values
                }
                yield replace(
                    common,
                    sku=v.sku,
                    price=v.price,
                    stock=v.stock,
                    variant_active=v.is_active,
                    attributes=attributes,
                )


def import_dependencies(uow: FakeImportUnitOfWork | None = None) -> ImportDependencies:
    jobs = InlineJobs()
    uow = uow or FakeImportUnitOfWork()
    uow.records = FakeImportRecords()
    deps = ImportDependencies(
        uow=uow,
        records=uow.records,
        progress=FakeProgress(),
        jobs=jobs,
        version=FakeCatalogVersion(),
        clock=CLOCK,
        max_bytes=1024 * 1024,
    )
    jobs.deps = deps
    return deps


if TYPE_CHECKING:
    _uow: ImportUnitOfWorkFactory = FakeImportUnitOfWork()
    _records: ImportRecords = FakeImportRecords()
    _progress: ImportProgress = FakeProgress()
    _jobs: ImportJobs = InlineJobs()
    _export: CatalogExport = FakeExport(FakeUnitOfWork())
