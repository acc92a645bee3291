"""The composition root: the one place that turns settings into wired adapters.

Every client is built here, once per process (the engine, the Redis clients, the stores, the
caches, the rate-limit storage, the job queue's connection), and each feature gets its own
small bundle of what its use cases and views need.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Protocol

from redis import Redis
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from shop.adapters.clock import SystemClock
from shop.adapters.jobs.queue_stats import NoJobQueues, RqQueueStats
from shop.adapters.login_throttle import LimitsLoginThrottle, limits_storage
from shop.adapters.memory.cached_variant_lookup import CachedVariantLookup
from shop.adapters.memory.cart_store import InMemoryCartStore
from shop.adapters.memory.catalog_version import InProcessCatalogVersion
from shop.adapters.memory.response_cache import InProcessResponseCache
from shop.adapters.memory.state_file import StateFile, state_path_beside
from shop.adapters.memory.tokens import InMemoryTokenStore
from shop.adapters.passwords import Argon2Hasher
from shop.adapters.redis.cart_store import RedisCartStore
from shop.adapters.redis.catalog_version import RedisCatalogVersion
from shop.adapters.redis.client import REDIS, REDIS_DOWN, make_redis, ping_redis
from shop.adapters.redis.response_cache import RedisResponseCache
from shop.adapters.redis.tokens import RedisTokenStore
from shop.adapters.sql import tables
from shop.adapters.sql.engine import (
    DATABASE,
    DATABASE_DOWN,
    make_engine,
    make_session_factory,
    ping_database,
)
from shop.adapters.sql.outbox_stats import SqlOutboxStats
from shop.adapters.sql.queries.cart_variants import SqlVariantLookup
from shop.adapters.sql.queries.products import SqlCatalogQueries
from shop.adapters.sql.queries.purchases import SqlPurchaseRecords
from shop.adapters.sql.queries.reviews import SqlReviewQueries
from shop.adapters.sql.unit_of_work import SqlAlchemyUnitOfWorkFactory
from shop.bootstrap_ordering import Ordering, build_ordering
from shop.services.accounts.ports import (
    AccountsUnitOfWorkFactory,
    LoginThrottle,
    PasswordHasher,
    TokenStore,
)
from shop.services.accounts.registration import ensure_admin
from shop.services.cart.ports import CartDependencies, CartRules, CartStore
from shop.services.catalog.ports import CatalogQueries, CatalogUnitOfWorkFactory, CatalogVersion
from shop.services.common import Clock, ServiceUnavailable
from shop.services.operations.ports import JobQueueStats, OutboxStats
from shop.services.reviews.ports import (
    PurchaseRecords,
    ReviewQueries,
    ReviewsUnitOfWorkFactory,
)
from shop.settings import Settings

log = logging.getLogger(__name__)

Probe = Callable[[], None]


class ResponseCache(Protocol):
    """Where cached catalog responses are kept. Raises ServiceUnavailable when it fails."""

    def get(self, key: str) -> Any: ...

    def set(self, key: str, value: Any) -> None: ...


@dataclass(frozen=True)
class AccountsBundle:
    uow: AccountsUnitOfWorkFactory
    hasher: PasswordHasher
    tokens: TokenStore
    login_throttle: LoginThrottle


@dataclass(frozen=True)
class CatalogBundle:
    uow: CatalogUnitOfWorkFactory
    version: CatalogVersion
    queries: CatalogQueries
    responses: ResponseCache | None  # None: catalog responses are not cached


@dataclass(frozen=True)
class ReviewsBundle:
    uow: ReviewsUnitOfWorkFactory
    version: CatalogVersion  # a review changes its product's rating: a catalog change
    queries: ReviewQueries
    purchases: PurchaseRecords


@dataclass(frozen=True)
class OperationsBundle:
    """What /metrics reads at scrape time: the job queues (RQ) and the outbox backlog."""

    queues: JobQueueStats
    outbox: OutboxStats


@dataclass(frozen=True)
class RateLimitStorage:
    """Where flask-limiter keeps its counters (it builds its storage from a URI)."""

    uri: str
    options: dict[str, float | str | bool] = field(default_factory=dict)


@dataclass
class Adapters:
    """What this process was wired with: one bundle per feature, built once."""

    settings: Settings
    clock: Clock
    accounts: AccountsBundle
    catalog: CatalogBundle
    cart: CartDependencies
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
        self.engine.dispose()
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
    engine = make_engine(settings.database_url)
    redis = make_redis(settings.redis_url) if settings.redis_url else None
    redis_clients = [] if redis is None else [redis]
    # Without Redis, the embedded default keeps tokens and carts in a file across restarts.
    state = (
        None
        if redis is not None
        else StateFile(state_path_beside(settings.database_url, settings.data_dir))
    )
    uow = SqlAlchemyUnitOfWorkFactory(make_session_factory(engine))
    catalog_version: CatalogVersion = (
        RedisCatalogVersion(redis) if redis is not None else InProcessCatalogVersion()
    )
    probes: dict[str, Probe] = {DATABASE: partial(ping_database, engine)}
    if redis is not None:
        probes[REDIS] = partial(ping_redis, redis)
    clock = SystemClock()
    cart = _cart(settings, engine, redis, state, catalog_version)
    return Adapters(
        settings=settings,
        clock=clock,
        accounts=_accounts(settings, uow, redis, state),
        catalog=CatalogBundle(
            uow=uow,
            version=catalog_version,
            queries=SqlCatalogQueries(engine, settings.currency),
            responses=_response_cache(settings, redis_clients),
        ),
        cart=cart,
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
        rate_limits=rate_limit_storage(settings),
        engine=engine,
        redis=redis,
        probes=probes,
        driver_errors_down={DATABASE: DATABASE_DOWN, REDIS: REDIS_DOWN},
        ordering=build_ordering(settings, engine, redis, cart.store, clock),
        redis_clients=redis_clients,
        state=state,
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


def _accounts(
    settings: Settings,
    uow: SqlAlchemyUnitOfWorkFactory,
    redis: Redis | None,
    state: StateFile | None,
) -> AccountsBundle:
    limits = rate_limit_storage(settings)
    return AccountsBundle(
        uow=uow,
        hasher=Argon2Hasher(cheap=settings.cheap_password_hashing),
        tokens=RedisTokenStore(redis) if redis is not None else InMemoryTokenStore(state),
        login_throttle=LimitsLoginThrottle(
            limits_storage(limits.uri, limits.options),
            settings.login_failures_per_email_and_address,
            settings.login_failures_per_email,
            settings.login_failures_per_address,
        ),
    )


def _cart(
    settings: Settings,
    engine: Engine,
    redis: Redis | None,
    state: StateFile | None,
    version: CatalogVersion,
) -> CartDependencies:
    """Cart writes check live stock; showing a cart may use a version-keyed copy of the
    variants at most a second old (a catalog write shows at once)."""
    store: CartStore = (
        RedisCartStore(redis, settings.cart_ttl)
        if redis is not None
        else InMemoryCartStore(settings.cart_ttl, clock=time.time, state=state)
    )
    live = SqlVariantLookup(engine)
    return CartDependencies(
        store=store,
        live_variants=live,
        shown_variants=CachedVariantLookup(live, version),
        rules=CartRules(settings.max_line_quantity, settings.currency),
    )
