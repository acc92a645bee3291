"""An import whose queued job was lost (the queue emptied before any worker took it) does not
wait forever: a worker's maintenance pass hands it to the queue again once it has waited the
stall time, and it runs once."""

from __future__ import annotations

import io
import time
from datetime import UTC, datetime, timedelta

from redis import Redis
from rq import Queue
from sqlalchemy import select

from shop.adapters.redis.import_jobs import IMPORT_QUEUE
from shop.adapters.sql import import_tables
from shop.domain.audit import Actor, Source
from shop.services.catalog.imports.files import UploadedFile
from shop.services.catalog.imports.ports import ImportMode
from tests.integration.apps import Api, AppFactory
from tests.integration.imports_support import catalog_csv, report, upload
from tests.integration.worker_process import run_worker

STALL_SECONDS = 3
WAIT_SECONDS = 60


def test_a_lost_import_job_is_queued_again_by_the_worker_and_runs_once(
    make_app: AppFactory,
) -> None:
    api = Api.of(make_app("postgres", import_stall_seconds=STALL_SECONDS))
    admin = api.admin_headers()
    settings = api.adapters.settings
    assert settings.redis_url
    import_id = upload(api, admin, catalog_csv(20, 2))  # no worker runs yet
    queue = Queue(IMPORT_QUEUE, connection=Redis.from_url(settings.redis_url))
    assert queue.count == 1
    queue.empty()  # the job is lost
    uploaded_at = time.monotonic()
    t = import_tables.catalog_imports
    env = {
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        "SHOP_IMPORT_STALL_SECONDS": str(STALL_SECONDS),
    }
    with run_worker(env) as worker:
        deadline = time.monotonic() + WAIT_SECONDS
        while True:  # nobody reads the report: the worker's maintenance finds the import
            with api.adapters.engine.connect() as connection:
                row = connection.execute(select(t).where(t.c.id == import_id)).one()
            if row.state not in ("queued", "running"):
                break
            assert time.monotonic() < deadline, worker.log()
            time.sleep(0.2)
        assert time.monotonic() - uploaded_at >= STALL_SECONDS
    assert (row.state, row.failure) == ("done", None)
    finished = report(api, admin, import_id)
    assert finished["counts"]["create"] == 40, finished  # 20 products x 2 variants, once
    assert queue.count == 0


def test_the_stored_sweep_takes_each_lost_import_once_per_mark(api: Api) -> None:
    """On both backends: only imports queued before the cut, and each marked as handed again,
    so an immediate second sweep finds nothing."""
    records = api.adapters.catalog.imports.records
    actor = Actor(user_id=None, email="admin@example.com", source=Source.API)
    queued_at = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    import_id = records.add(
        ImportMode.DRY_RUN, UploadedFile(io.BytesIO(b"x"), 10), actor, queued_at
    )
    before, after = queued_at - timedelta(seconds=1), queued_at + timedelta(seconds=1)
    assert records.requeue_lost(before, after, import_id) == []
    assert records.requeue_lost(after, after + timedelta(seconds=1), import_id) == [import_id]
    assert records.requeue_lost(after + timedelta(seconds=1), after, import_id) == []
    assert records.requeue_lost(after + timedelta(seconds=2), after, import_id) == [import_id]
    assert records.start(import_id, after)
    assert records.requeue_lost(after + timedelta(days=1), after, import_id) == []  # running
