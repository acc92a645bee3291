"""The composition root: the one place that turns settings into wired adapters.

Every client is built here, once per process (the engine, the Redis clients, the stores, the
caches, the rate-limit storage, the job queue's connection), and each feature gets its own
small bundle of what its use cases and views need.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from redis import Redis
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from shop.adapters.clock import SystemClock
from shop.adapters.jobs.queue_stats import NoJobQueues, RqQueueStats
from shop.adapters.memory.catalog_version import InProcessCatalogVersion
from shop.adapters.memory.state_file import StateFile, state_path_beside
from shop.adapters.redis.catalog_version import RedisCatalogVersion
from shop.adapters.redis.client import REDIS, REDIS_DOWN, make_redis, ping_redis
from shop.adapters.sql import tables
from shop.adapters.sql.engine import (
    DATABASE,
    DATABASE_DOWN,
    dispose,
    make_engine,
    make_session_factory,
    ping_database,
)
from shop.adapters.sql.outbox_stats import SqlOutboxStats
from shop.adapters.sql.queries.audit import SqlAuditQueries
from shop.adapters.sql.queries.order_figures import SqlOrderFigures
from shop.adapters.sql.queries.overview import SqlCustomerQueries
from shop.adapters.sql.queries.purchases import SqlPurchaseRecords
from shop.adapters.sql.queries.reviews import SqlReviewQueries
from shop.adapters.sql.unit_of_work import SqlAlchemyUnitOfWorkFactory
from shop.bootstrap_accounts import AccountsBundle, build_accounts, token_store
from shop.bootstrap_bundles import (
    CatalogBundle,
    OperationsBundle,
    RateLimitStorage,
    ReviewsBundle,
)
from shop.bootstrap_cart import build_cart
from shop.bootstrap_catalog import build_catalog
from shop.bootstrap_ordering import Ordering, build_ordering
from shop.services.accounts.registration import ensure_admin
from shop.services.audit.ports import AuditQueries
from shop.services.cart.ports import CartDependencies
from shop.services.catalog.ports import (
    CatalogVersion,
)
from shop.services.common import Clock, ServiceUnavailable
from shop.services.orders.ports import OrderFigureQueries
from shop.settings import Settings

log = logging.getLogger(__name__)

Probe = Callable[[], None]


@dataclass
class Adapters:
    """What this process was wired with: one bundle per feature, built once."""

    settings: Settings
    clock: Clock
    accounts: AccountsBundle
    catalog: CatalogBundle
    cart: CartDependencies
    audit: AuditQueries
    order_figures: OrderFigureQueries
    reviews: ReviewsBundle
    operations: OperationsBundle
    rate_limits: RateLimitStorage
    engine: Engine
    redis: Redis | None
    probes: dict[str, Probe]
    # Per backing service, the driver errors that mean it is down (for libraries that call
    # a driver themselves; the adapters raise ServiceUnavailable instead).
    driver_errors_down: dict[str, tuple[type[Exception], ...]]
    ordering: Ordering  # checkout, orders and notifications

    # Every Redis client built for this process (the shared one, the response cache's).
    redis_clients: list[Redis] = field(default_factory=list)
    state: StateFile | None = None  # the embedded default's tokens and carts, across restarts

    def close(self) -> None:
        self.ordering.close()
        dispose(self.engine)
        for client in self.redis_clients:
            client.close()
        if self.state is not None:
            self.state.close()


def rate_limit_storage(settings: Settings) -> RateLimitStorage:
    """Where rate-limit counters live: Redis when configured, else this process's memory."""
    if settings.redis_url:
        return RateLimitStorage(
            settings.redis_url, {"socket_connect_timeout": 1, "socket_timeout": 1}
        )
    return RateLimitStorage("memory://")


def bootstrap(settings: Settings) -> Adapters:
    tables.start_mappers()
    engine = make_engine(
        settings.database_url, prepared_statements=settings.database_prepared_statements
    )
    redis = make_redis(settings.redis_url) if settings.redis_url else None
    redis_clients = [] if redis is None else [redis]
    # Without Redis, the embedded default keeps tokens and carts in a file across restarts.
    state = (
        None
        if redis is not None
        else StateFile(state_path_beside(settings.database_url, settings.data_dir))
    )
    session_factory = make_session_factory(engine)
    uow = SqlAlchemyUnitOfWorkFactory(session_factory)
    catalog_version: CatalogVersion = (
        RedisCatalogVersion(redis) if redis is not None else InProcessCatalogVersion()
    )
    probes: dict[str, Probe] = {DATABASE: partial(ping_database, engine)}
    if redis is not None:
        probes[REDIS] = partial(ping_redis, redis)
    clock = SystemClock()
    tokens = token_store(redis, state)
    cart = build_cart(settings, engine, redis, state, tokens, catalog_version)
    ordering = build_ordering(settings, engine, redis, cart.store, clock)
    limits = rate_limit_storage(settings)
    job_connection = None if redis is None else rq_connection(settings)
    catalog = build_catalog(
        settings, uow, engine, redis, catalog_version, redis_clients, job_connection
    )
    if job_connection is not None:
        redis_clients.append(job_connection)
    accounts = build_accounts(
        settings,
        session_factory,
        redis,
        tokens,
        clock,
        limits.uri,
        limits.options,
        ordering,
        SqlCustomerQueries(engine, settings.currency),
    )
    return Adapters(
        settings=settings,
        clock=clock,
        accounts=accounts,
        catalog=catalog,
        cart=cart,
        audit=SqlAuditQueries(engine),
        order_figures=SqlOrderFigures(engine),
        reviews=ReviewsBundle(
            uow=uow,
            version=catalog_version,
            queries=SqlReviewQueries(engine),
            purchases=SqlPurchaseRecords(engine),
        ),
        operations=OperationsBundle(
            queues=RqQueueStats(redis) if redis is not None else NoJobQueues(),
            outbox=SqlOutboxStats(engine),
        ),
        rate_limits=limits,
        engine=engine,
        redis=redis,
        probes=probes,
        driver_errors_down={DATABASE: DATABASE_DOWN, REDIS: REDIS_DOWN},
        ordering=ordering,
        redis_clients=redis_clients,
        state=state,
    )


def rq_connection(settings: Settings) -> Redis:
    """The job queue's Redis connection (binary replies, as RQ wants them)."""
    if not settings.redis_url:
        raise ValueError("the job queue needs REDIS_URL")
    return Redis.from_url(settings.redis_url, socket_connect_timeout=5)


def ensure_admin_at_start(adapters: Adapters, settings: Settings) -> bool:
    """Create or promote SHOP_ADMIN_EMAIL, if set. False, with a warning, when the database
    cannot be used yet (down, or not migrated): the API still starts and answers 503."""
    if not (settings.admin_email and settings.admin_password):
        return True
    try:
        ensure_admin(
            adapters.accounts.uow,
            adapters.accounts.hasher,
            adapters.clock,
            settings.admin_email,
            settings.admin_password,
        )
    except (ServiceUnavailable, SQLAlchemyError) as exc:
        log.warning("could not ensure the admin account at start: %s", type(exc).__name__)
        return False
    return True
