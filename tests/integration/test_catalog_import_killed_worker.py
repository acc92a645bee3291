"""An import whose `shop worker` is SIGKILLed mid-run ends as failed (it does not show a
progress bar forever): on the next read of its report, or by a worker's maintenance pass when
nobody reads it; an apply killed so changes nothing."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import func, select

from shop.adapters.sql import import_tables, tables
from shop.services.catalog.imports.stalls import STALLED
from tests.integration.apps import Api, AppFactory
from tests.integration.imports_support import catalog_csv, report, upload, wait_finished
from tests.integration.worker_process import WorkerProcess, run_worker

STALL_SECONDS = 6
WAIT_SECONDS = 60


def _api(make_app: AppFactory) -> Api:
    return Api.of(make_app("postgres", import_stall_seconds=STALL_SECONDS))


def _worker_env(api: Api) -> dict[str, str]:
    s = api.adapters.settings
    return {
        "DATABASE_URL": s.database_url,
        "REDIS_URL": s.redis_url or "",
        "SHOP_IMPORT_STALL_SECONDS": str(STALL_SECONDS),
    }


def _stored(api: Api, import_id: int) -> Any:
    """The import's row as stored (reading it through the API would sweep it)."""
    t = import_tables.catalog_imports
    with api.adapters.engine.connect() as connection:
        return connection.execute(select(t).where(t.c.id == import_id)).one()


def _kill_half_way(api: Api, worker: WorkerProcess, import_id: int, mode: str) -> None:
    """SIGKILL the worker once it has gone through some of the rows, not all."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        row = _stored(api, import_id)
        total, done = api.adapters.catalog.imports.progress.get(import_id) or (0, 0)
        if row.state == "running" and row.mode == mode and 0 < done < total:
            break
        assert row.state in ("queued", "running", "done"), (row.state, row.failure)
        assert time.monotonic() < deadline, worker.log()
        time.sleep(0.02)
    worker.kill()


def _variants(api: Api) -> int:
    with api.adapters.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(tables.variants)) or 0)


def test_a_dry_run_whose_worker_was_killed_fails_when_its_report_is_read(
    make_app: AppFactory,
) -> None:
    api = _api(make_app)
    admin = api.admin_headers()
    with run_worker(_worker_env(api)) as worker:
        import_id = upload(api, admin, catalog_csv(6000, 4))
        _kill_half_way(api, worker, import_id, "dry_run")
        assert report(api, admin, import_id)["state"] == "running"  # not silent for long yet
        current = wait_finished(api, admin, import_id)  # each read may sweep it
    assert (current["state"], current["failure"]) == ("failed", STALLED)


def test_an_apply_whose_worker_was_killed_is_failed_by_the_next_worker_and_changes_nothing(
    make_app: AppFactory,
) -> None:
    api = _api(make_app)
    admin = api.admin_headers()
    with run_worker(_worker_env(api)) as worker:
        import_id = upload(api, admin, catalog_csv(6000, 4))
        assert wait_finished(api, admin, import_id)["state"] == "done"
        path = f"/api/v1/admin/catalog/imports/{import_id}/apply"
        response = api.client.post(path, headers=admin)
        assert response.status_code == 202, response.json
        _kill_half_way(api, worker, import_id, "apply")
        worker.start()  # nobody reads the report: the worker's maintenance sweeps it
        deadline = time.monotonic() + WAIT_SECONDS
        while (row := _stored(api, import_id)).state == "running":
            assert time.monotonic() < deadline, worker.log()
            time.sleep(0.2)
    assert (row.state, row.failure) == ("failed", STALLED)
    # Not before it was silent for the stall time: from its last heartbeat (up to a fifth of
    # the stall time before the kill), not from the kill.
    assert (row.finished_at - row.heartbeat_at).total_seconds() >= STALL_SECONDS
    assert _variants(api) == 0
    assert report(api, admin, import_id)["state"] == "failed"
