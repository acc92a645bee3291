"""A running import whose job died is failed once it has been silent for the stall time, and an
apply that was failed so while it ran commits nothing."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import timedelta

from shop.domain.audit import Actor, Source
from shop.services.catalog.imports.ports import ImportMode, ImportState
from shop.services.catalog.imports.requests import apply_import, import_report, start_import
from shop.services.catalog.imports.run import ImportDependencies
from shop.services.catalog.imports.stalls import STALLED, fail_stalled_imports
from tests.unit.fakes import FakeClock
from tests.unit.import_fakes import FakeImportRecords, InlineJobs, import_dependencies

ADMIN = Actor(user_id=1, email="admin@example.com", source=Source.API)
FILE = b"product_slug,product_name,category_slug,sku,price,stock\nmug,Mug,kitchen,MUG-1,4.00,3\n"


class NoJobs(InlineJobs):
    def enqueue(self, import_id: int) -> None:
        """The job never runs: the record stays as the worker left it."""


def _running_import(clock: FakeClock) -> tuple[ImportDependencies, FakeImportRecords, int]:
    deps = replace(import_dependencies(), clock=clock, jobs=NoJobs(), stall_seconds=120)
    records = deps.records
    assert isinstance(records, FakeImportRecords)
    import_id = start_import(deps, io.BytesIO(FILE), ImportMode.DRY_RUN, ADMIN).id
    records.start(import_id, clock.now())  # a worker took it, then died
    return deps, records, import_id


def test_a_running_import_silent_for_the_stall_time_is_failed_when_read() -> None:
    clock = FakeClock()
    deps, _, import_id = _running_import(clock)
    clock.current += timedelta(seconds=119)
    assert import_report(deps, import_id)["state"] == "running"
    clock.current += timedelta(seconds=2)
    report = import_report(deps, import_id)
    assert (report["state"], report["failure"]) == ("failed", STALLED)


def test_the_sweep_fails_only_the_silent_running_imports() -> None:
    clock = FakeClock()
    deps, records, silent = _running_import(clock)
    clock.current += timedelta(seconds=100)
    alive = start_import(deps, io.BytesIO(FILE), ImportMode.DRY_RUN, ADMIN).id
    records.start(alive, clock.now())
    queued = start_import(deps, io.BytesIO(FILE), ImportMode.DRY_RUN, ADMIN).id
    clock.current += timedelta(seconds=30)
    assert fail_stalled_imports(deps) == 1
    states = {i: records.rows[i].state for i in (silent, alive, queued)}
    assert states == {
        silent: ImportState.FAILED,
        alive: ImportState.RUNNING,
        queued: ImportState.QUEUED,
    }


def test_an_apply_failed_by_the_sweep_while_it_ran_commits_nothing() -> None:
    deps = import_dependencies()
    records = deps.records
    assert isinstance(records, FakeImportRecords)
    import_id = start_import(deps, io.BytesIO(FILE), ImportMode.DRY_RUN, ADMIN).id

    class SweptMidway:
        """Another process's sweep fails the import as its last batch is written."""

        def set(self, import_id: int, rows_total: int, rows_done: int) -> None:
            if rows_done == rows_total:
                sweep = replace(deps, clock=FakeClock(deps.clock.now() + timedelta(hours=1)))
                fail_stalled_imports(sweep, import_id)

        def get(self, import_id: int) -> tuple[int, int] | None:
            return None

    swept = replace(deps, progress=SweptMidway())
    assert isinstance(deps.jobs, InlineJobs)
    deps.jobs.deps = swept
    apply_import(swept, import_id)
    report = import_report(swept, import_id)
    assert (report["state"], report["failure"]) == ("failed", STALLED)
    assert deps.uow.commits == 0  # type: ignore[attr-defined]
