"""The import job: one pass over the stored file in one transaction, rolled back for a dry
run, committed for an apply (all or nothing, the catalog version bumped once)."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from shop.domain.audit import Actor, Source
from shop.domain.catalog.csv_rows import CatalogRow, RowError, parse_row, read_header
from shop.services.catalog.imports.catalog_rows import CatalogRows
from shop.services.catalog.imports.files import ChunkStream, sha256_of
from shop.services.catalog.imports.ports import (
    ImportJobs,
    ImportMode,
    ImportProgress,
    ImportRecord,
    ImportRecords,
    ImportResult,
    ImportState,
    ImportUnitOfWorkFactory,
    Outcome,
)
from shop.services.catalog.ports import CatalogVersion, commit_catalog_change
from shop.services.common import Clock

log = logging.getLogger(__name__)

BATCH_ROWS = 1000
MAX_REPORTED_ERRORS = 1000
REFRESH_STATISTICS_ROWS = 1000  # an apply that wrote this many rows refreshes them
HEARTBEAT_SECONDS = 5.0  # how often a running import says it is alive (see stalls.py),
# at most: and at least five times per stall time, so that a slow batch is not taken for death
csv.field_size_limit(1024 * 1024)


@dataclass(frozen=True)
class ImportDependencies:
    uow: ImportUnitOfWorkFactory
    records: ImportRecords
    progress: ImportProgress
    jobs: ImportJobs
    version: CatalogVersion
    clock: Clock
    max_bytes: int
    stall_seconds: int = 120


class FileNotReadable(ValueError):
    """The file is not UTF-8 CSV text."""


class Swept(Exception):
    """The stall sweep failed this import while it ran (it looked dead): commit nothing."""


class _Pulse:
    """The progress after every batch, and a heartbeat every HEARTBEAT_SECONDS."""

    def __init__(self, deps: ImportDependencies, import_id: int, rows_total: int) -> None:
        self.deps, self.import_id, self.rows_total = deps, import_id, rows_total
        self.last_beat = deps.clock.now()
        self.every = min(HEARTBEAT_SECONDS, deps.stall_seconds / 5)

    def __call__(self, rows_done: int) -> None:
        self.deps.progress.set(self.import_id, self.rows_total, rows_done)
        now = self.deps.clock.now()
        if (now - self.last_beat).total_seconds() >= self.every:
            self.deps.records.beat(self.import_id, now)
            self.last_beat = now


File = Callable[[], Iterator[bytes]]
"""Reads the stored file again from its start, chunk by chunk."""


def records_of(chunks: Iterable[bytes]) -> Iterator[list[str]]:
    """The file's CSV records (UTF-8, with or without a byte-order mark), read as a stream."""
    binary = io.BufferedReader(ChunkStream(chunks))
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
    try:
        yield from csv.reader(text, strict=True)
    except UnicodeDecodeError:
        raise FileNotReadable("the file is not UTF-8 text; save it as CSV UTF-8") from None
    except csv.Error as exc:
        raise FileNotReadable(f"the file is not valid CSV ({exc})") from None


def _data_rows(chunks: Iterable[bytes]) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of every non-blank data row; the header is row 1."""
    for number, cells in enumerate(records_of(chunks), start=1):
        if number > 1 and any(cell.strip() for cell in cells):
            yield number, cells


def run_import(deps: ImportDependencies, import_id: int) -> None:
    """Run a queued import: a dry run, or an apply (preceded by a dry run when none was
    done). A job delivered twice runs once. Failures are recorded, then raised."""
    if not deps.records.start(import_id, _now(deps)):
        return
    record = deps.records.get(import_id)
    if record is None:
        return

    def file() -> Iterator[bytes]:
        return deps.records.chunks(import_id)

    if sha256_of(file()) != record.file_sha256:
        changed = "the stored file is not the one uploaded; upload it again"
        deps.records.finish(import_id, ImportState.FAILED, record.result, _now(deps), changed)
        return
    try:
        state, result, failure = _run(deps, record, file)
    except FileNotReadable as exc:
        deps.records.finish(import_id, ImportState.FAILED, ImportResult(), _now(deps), str(exc))
        return
    except Swept:
        log.warning("catalog import %s was failed by the stall sweep while it ran", import_id)
        return
    except Exception:
        failure = "the import stopped on an unexpected error; nothing was changed"
        deps.records.finish(import_id, ImportState.FAILED, ImportResult(), _now(deps), failure)
        raise
    deps.records.finish(import_id, state, result, _now(deps), failure)


def _now(deps: ImportDependencies) -> datetime:
    return deps.clock.now()


def _run(
    deps: ImportDependencies, record: ImportRecord, file: File
) -> tuple[ImportState, ImportResult, str | None]:
    if record.mode is ImportMode.DRY_RUN:
        checked = _pass(deps, record, file, {}, applying=False)
        if checked.fatal:
            return ImportState.FAILED, checked, "a required column is missing"
        return ImportState.DONE, checked, None
    seen = record.result.seen_stock
    if record.result.rows_total == 0:  # applied without a dry run first: do one now
        checked = _pass(deps, record, file, {}, applying=False)
        if has_errors(checked):
            return ImportState.FAILED, checked, "the file has errors; nothing was applied"
        seen = checked.seen_stock
    result = _pass(deps, record, file, dict(seen), applying=True)
    if has_errors(result):
        return ImportState.FAILED, result, "some rows could not be applied; nothing was changed"
    return ImportState.DONE, result, None


def has_errors(result: ImportResult) -> bool:
    """Errors that block an apply: a bad row or a missing column (not an unknown column)."""
    return result.fatal or result.counts[Outcome.ERROR] > 0


def _pass(
    deps: ImportDependencies,
    record: ImportRecord,
    file: File,
    seen: dict[str, int],
    applying: bool,
) -> ImportResult:
    result = ImportResult(rows_total=sum(1 for _ in _data_rows(file())), seen_stock=seen)
    header = read_header(next(records_of(file()), []))
    result.errors.extend(header.errors)
    if header.fatal:
        result.fatal = True
        return result
    actor = Actor(record.actor.user_id, record.actor.email, Source.IMPORT)
    done = 0
    pulse = _Pulse(deps, record.id, result.rows_total)
    pulse(0)
    with deps.uow() as uow:
        rows = CatalogRows(uow, deps.clock, actor, f"import {record.id}", seen, applying)
        batch: list[CatalogRow] = []
        for number, cells in _data_rows(file()):
            parsed = parse_row(header, number, cells)
            if isinstance(parsed, list):
                _count(result, Outcome.ERROR, parsed)
                done += 1
            else:
                batch.append(parsed)
            if len(batch) >= BATCH_ROWS:
                done += _apply(rows, batch, result)
                pulse(done)
        done += _apply(rows, batch, result)
        pulse(done)
        if applying and not has_errors(result):
            written = result.counts[Outcome.CREATE] + result.counts[Outcome.UPDATE]
            if written >= REFRESH_STATISTICS_ROWS:
                uow.import_settlement.refresh_statistics()
            if not uow.import_settlement.settle(record.id, result, _now(deps)):
                raise Swept(record.id)
            commit_catalog_change(uow, deps.version)
    return result


def _apply(rows: CatalogRows, batch: list[CatalogRow], result: ImportResult) -> int:
    if not batch:
        return 0
    for outcome, errors in rows.apply(batch):
        _count(result, outcome, errors)
    applied = len(batch)
    batch.clear()
    return applied


def _count(result: ImportResult, outcome: Outcome, errors: list[RowError]) -> None:
    result.counts[outcome] += 1
    room = MAX_REPORTED_ERRORS - len(result.errors)
    if room > 0:
        result.errors.extend(errors[:room])
