"""Wiring of the catalog feature: its queries, the cached responses and the CSV imports."""

from __future__ import annotations

from functools import partial

from redis import Redis
from sqlalchemy import Engine

from shop.adapters.clock import SystemClock
from shop.adapters.memory.import_jobs import InProcessImportProgress, ThreadImportJobs
from shop.adapters.memory.response_cache import InProcessResponseCache
from shop.adapters.redis.client import make_redis
from shop.adapters.redis.import_jobs import RedisImportProgress, RqImportJobs
from shop.adapters.redis.response_cache import RedisResponseCache
from shop.adapters.sql.imports import SqlImportRecords
from shop.adapters.sql.queries.catalog_export import SqlCatalogExport
from shop.adapters.sql.queries.overview import SqlCatalogOverview
from shop.adapters.sql.queries.products import SqlCatalogQueries
from shop.adapters.sql.unit_of_work import SqlAlchemyUnitOfWorkFactory
from shop.bootstrap_bundles import CatalogBundle, ResponseCache
from shop.services.catalog.imports.run import ImportDependencies, run_import
from shop.services.catalog.ports import CatalogVersion
from shop.settings import Settings


def build_catalog(
    settings: Settings,
    uow: SqlAlchemyUnitOfWorkFactory,
    engine: Engine,
    redis: Redis | None,
    version: CatalogVersion,
    redis_clients: list[Redis],
    job_connection: Redis | None,
) -> CatalogBundle:
    """`redis_clients` receives every Redis client built here; `job_connection` is the job
    queue's (None: imports run on a thread of this process)."""
    return CatalogBundle(
        uow=uow,
        version=version,
        queries=SqlCatalogQueries(engine, settings.currency),
        responses=_response_cache(settings, redis_clients),
        overview=SqlCatalogOverview(engine, settings.currency),
        export=SqlCatalogExport(engine),
        imports=_imports(settings, uow, engine, redis, version, job_connection),
    )


def _response_cache(settings: Settings, redis_clients: list[Redis]) -> ResponseCache | None:
    if not settings.cache_enabled:
        return None
    if settings.redis_url:
        # A client of its own: entries are pickled bytes, the others' replies are decoded.
        client = make_redis(settings.redis_url, decode_responses=False)
        redis_clients.append(client)
        return RedisResponseCache(client, ttl=settings.stock_staleness)
    return InProcessResponseCache(ttl=settings.stock_staleness)


def _imports(
    settings: Settings,
    uow: SqlAlchemyUnitOfWorkFactory,
    engine: Engine,
    redis: Redis | None,
    version: CatalogVersion,
    job_connection: Redis | None,
) -> ImportDependencies:
    """Imports run in `shop worker` (RQ) with Redis, else on a thread of this process."""
    jobs: ThreadImportJobs | RqImportJobs = (
        ThreadImportJobs() if job_connection is None else RqImportJobs(job_connection)
    )
    deps = ImportDependencies(
        uow=uow,
        records=SqlImportRecords(engine),
        progress=InProcessImportProgress() if redis is None else RedisImportProgress(redis),
        jobs=jobs,
        version=version,
        clock=SystemClock(),
        max_bytes=settings.import_max_bytes,
        stall_seconds=settings.import_stall_seconds,
    )
    if isinstance(jobs, ThreadImportJobs):
        jobs.run = partial(run_import, deps)
    return deps
