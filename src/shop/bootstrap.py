"""The one place that turns settings into wired adapters (the composition root)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from redis import Redis
from sqlalchemy import Engine

from shop.adapters import orm
from shop.adapters.cached_variant_lookup import CachedVariantLookup
from shop.adapters.catalog_queries import SqlCatalogQueries
from shop.adapters.catalog_version import InProcessCatalogVersion, RedisCatalogVersion
from shop.adapters.clock import SystemClock
from shop.adapters.database import make_engine, make_session_factory, ping_database
from shop.adapters.jobs.queue_stats import NoJobQueues, RqQueueStats
from shop.adapters.login_throttle import LimitsLoginThrottle
from shop.adapters.memory.state_file import StateFile, state_path_beside
from shop.adapters.memory_cart import InMemoryCartStore
from shop.adapters.memory_tokens import InMemoryTokenStore
from shop.adapters.passwords import Argon2Hasher
from shop.adapters.redis_cart import RedisCartStore
from shop.adapters.redis_client import make_redis
from shop.adapters.redis_tokens import RedisTokenStore
from shop.adapters.sql.outbox_stats import SqlOutboxStats
from shop.adapters.unit_of_work import SqlAlchemyUnitOfWorkFactory
from shop.adapters.variant_lookup import SqlVariantLookup
from shop.bootstrap_ordering import Ordering, build_ordering
from shop.services.operations.ports import JobQueueStats, OutboxStats
from shop.services.ports import (
    CartStore,
    CatalogQueries,
    CatalogVersion,
    Clock,
    LoginThrottle,
    PasswordHasher,
    TokenStore,
    VariantLookup,
)
from shop.settings import Settings


@dataclass
class Adapters:
    """Everything a request or job may need, built once per process."""

    settings: Settings
    engine: Engine
    uow: SqlAlchemyUnitOfWorkFactory
    hasher: PasswordHasher
    tokens: TokenStore
    login_throttle: LoginThrottle
    clock: Clock
    redis: Redis | None
    catalog_version: CatalogVersion
    catalog_queries: CatalogQueries
    carts: CartStore
    variant_lookup: VariantLookup  # live: for cart writes
    cart_read_lookup: VariantLookup  # a version-keyed copy, at most 1 s old: for cart reads
    ordering: Ordering  # checkout, orders and notifications
    state: StateFile | None = None  # the embedded default's tokens and carts, across restarts

    def check_database(self) -> None:
        ping_database(self.engine)

    def check_redis(self) -> None:
        if self.redis is not None:
            self.redis.ping()

    def close(self) -> None:
        self.ordering.close()
        self.engine.dispose()
        if self.redis is not None:
            self.redis.close()
        if self.state is not None:
            self.state.close()


def limits_storage_uri(settings: Settings) -> str:
    """Where rate-limit counters live: Redis when configured, else this process's memory."""
    return settings.redis_url or "memory://"


def bootstrap(settings: Settings) -> Adapters:
    orm.start_mappers()
    engine = make_engine(settings.database_url)
    redis = make_redis(settings.redis_url) if settings.redis_url else None
    state = (
        None
        if redis is not None
        else StateFile(state_path_beside(settings.database_url, settings.data_dir))
    )
    tokens: TokenStore = RedisTokenStore(redis) if redis is not None else InMemoryTokenStore(state)
    catalog_version: CatalogVersion = (
        RedisCatalogVersion(redis) if redis is not None else InProcessCatalogVersion()
    )
    variant_lookup = SqlVariantLookup(engine)
    carts: CartStore = (
        RedisCartStore(redis, settings.cart_ttl)
        if redis is not None
        else InMemoryCartStore(settings.cart_ttl, clock=time.time, state=state)
    )
    clock = SystemClock()
    return Adapters(
        settings=settings,
        engine=engine,
        uow=SqlAlchemyUnitOfWorkFactory(make_session_factory(engine)),
        hasher=Argon2Hasher(cheap=settings.cheap_password_hashing),
        tokens=tokens,
        login_throttle=LimitsLoginThrottle(
            limits_storage_uri(settings),
            settings.login_failures_per_email_and_address,
            settings.login_failures_per_email,
            settings.login_failures_per_address,
        ),
        clock=clock,
        redis=redis,
        catalog_version=catalog_version,
        catalog_queries=SqlCatalogQueries(engine, settings.currency),
        carts=carts,
        variant_lookup=variant_lookup,
        cart_read_lookup=CachedVariantLookup(variant_lookup, catalog_version),
        ordering=build_ordering(settings, engine, redis, carts, clock),
        state=state,
    )


def operations_stats(adapters: Adapters) -> tuple[JobQueueStats, OutboxStats]:
    """What /metrics reads at scrape time: the job queues (RQ) and the outbox backlog."""
    queues: JobQueueStats = (
        RqQueueStats(adapters.redis) if adapters.redis is not None else NoJobQueues()
    )
    return queues, SqlOutboxStats(adapters.engine)
