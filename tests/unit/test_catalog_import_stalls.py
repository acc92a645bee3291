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
from shop.services.catalog.imports.stalls import (
    STALLED,
    fail_stalled_imports,
    requeue_lost_imports,
)
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


class LostJobs(InlineJobs):
    """Loses every job handed to it until `working` is set, then runs them at once."""

    def __init__(self) -> None:
        super().__init__()
        self.working = False
        self.handed: list[int] = []

    def enqueue(self, import_id: int) -> None:
        self.handed.append(import_id)
        if self.working:
            super().enqueue(import_id)


def _lost_jobs(clock: FakeClock) -> tuple[ImportDependencies, LostJobs]:
    jobs = LostJobs()
    deps = replace(import_dependencies(), clock=clock, jobs=jobs, stall_seconds=120)
    jobs.deps = deps
    return deps, jobs


def test_a_queued_import_whose_job_was_lost_is_queued_again_when_read() -> None:
    clock = FakeClock()
    deps, jobs = _lost_jobs(clock)
    import_id = start_import(deps, io.BytesIO(FILE), ImportMode.DRY_RUN, ADMIN).id
    jobs.working = True
    clock.current += timedelta(seconds=119)
    assert import_report(deps, import_id)["state"] == "queued"  # maybe only late: left alone
    clock.current += timedelta(seconds=2)
    assert import_report(deps, import_id)["state"] == "done"
    assert jobs.handed == [import_id, import_id]


def test_the_sweep_hands_a_lost_job_again_once_per_stall_time() -> None:
    clock = FakeClock()
    deps, jobs = _lost_jobs(clock)
    lost = start_import(deps, io.BytesIO(FILE), ImportMode.DRY_RUN, ADMIN).id
    clock.current += timedelta(seconds=100)
    recent = start_import(deps, io.BytesIO(FILE), ImportMode.DRY_RUN, ADMIN).id
    clock.current += timedelta(seconds=30)
    assert requeue_lost_imports(deps) == 1
    assert requeue_lost_imports(deps) == 0  # just handed again: not before another stall time
    clock.current += timedelta(seconds=100)
    assert requeue_lost_imports(deps) == 1  # `recent`, now waiting 130 s
    clock.current += timedelta(seconds=21)
    assert requeue_lost_imports(deps) == 1  # `lost` again: still no worker took it
    assert jobs.handed == [lost, recent, lost, recent, lost]  # the uploads, then the sweeps


def test_an_apply_waits_from_when_it_was_queued_not_from_the_upload() -> None:
    clock = FakeClock()
    deps, jobs = _lost_jobs(clock)
    jobs.working = True
    import_id = start_import(deps, io.BytesIO(FILE), ImportMode.DRY_RUN, ADMIN).id
    clock.current += timedelta(hours=2)
    jobs.working = False
    apply_import(deps, import_id)  # its job is lost
    clock.current += timedelta(seconds=60)
    assert requeue_lost_imports(deps) == 0
    jobs.working = True
    clock.current += timedelta(seconds=61)
    assert requeue_lost_imports(deps) == 1
    assert import_report(deps, import_id)["mode"] == "apply"
    assert import_report(deps, import_id)["state"] == "done"
