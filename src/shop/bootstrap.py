"""The one place that turns settings into wired adapters (the composition root)."""

from __future__ import annotations

from dataclasses import dataclass

from redis import Redis
from sqlalchemy import Engine

from shop.adapters import orm
from shop.adapters.cached_variant_lookup import CachedVariantLookup
from shop.adapters.catalog_queries import SqlCatalogQueries
from shop.adapters.catalog_version import InProcessCatalogVersion, RedisCatalogVersion
from shop.adapters.clock import SystemClock
from shop.adapters.database import make_engine, make_session_factory, ping_database
from shop.adapters.login_throttle import LimitsLoginThrottle
from shop.adapters.memory_cart import InMemoryCartStore
from shop.adapters.memory_tokens import InMemoryTokenStore
from shop.adapters.passwords import Argon2Hasher
from shop.adapters.redis_cart import RedisCartStore
from shop.adapters.redis_client import make_redis
from shop.adapters.redis_tokens import RedisTokenStore
from shop.adapters.unit_of_work import SqlAlchemyUnitOfWorkFactory
from shop.adapters.variant_lookup import SqlVariantLookup
from shop.bootstrap_ordering import Ordering, build_ordering
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


def limits_storage_uri(settings: Settings) -> str:
    """Where rate-limit counters live: Redis when configured, else this process's memory."""
    return settings.redis_url or "memory://"


def bootstrap(settings: Settings) -> Adapters:
    orm.start_mappers()
    engine = make_engine(settings.database_url)
    redis = make_redis(settings.redis_url) if settings.redis_url else None
    tokens: TokenStore = RedisTokenStore(redis) if redis is not None else InMemoryTokenStore()
    catalog_version: CatalogVersion = (
        RedisCatalogVersion(redis) if redis is not None else InProcessCatalogVersion()
    )
    variant_lookup = SqlVariantLookup(engine)
    carts: CartStore = (
        RedisCartStore(redis, settings.cart_ttl)
        if redis is not None
        else InMemoryCartStore(settings.cart_ttl)
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
    )
