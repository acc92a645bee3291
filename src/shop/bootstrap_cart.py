"""Wiring of the cart feature: where carts are kept and how their variants are looked up."""

from __future__ import annotations

import time

from redis import Redis
from sqlalchemy import Engine

from shop.adapters.memory.cached_variant_lookup import CachedVariantLookup
from shop.adapters.memory.cart_store import InMemoryCartStore
from shop.adapters.memory.state_file import StateFile
from shop.adapters.redis.cart_store import RedisCartStore
from shop.adapters.sql.queries.cart_variants import SqlVariantLookup
from shop.services.accounts.ports import TokenStore
from shop.services.cart.ports import CartDependencies, CartRules, CartStore
from shop.services.catalog.ports import CatalogVersion
from shop.settings import Settings


def build_cart(
    settings: Settings,
    engine: Engine,
    redis: Redis | None,
    state: StateFile | None,
    tokens: TokenStore,
    version: CatalogVersion,
) -> CartDependencies:
    """Cart writes check live stock; showing a cart may use a version-keyed copy of the
    variants at most a second old (a catalog write shows at once)."""
    store: CartStore = (
        RedisCartStore(redis, settings.cart_ttl)
        if redis is not None
        else InMemoryCartStore(settings.cart_ttl, clock=time.time, state=state, tokens=tokens)
    )
    live = SqlVariantLookup(engine)
    return CartDependencies(
        store=store,
        live_variants=live,
        shown_variants=CachedVariantLookup(live, version),
        rules=CartRules(settings.max_line_quantity, settings.currency),
    )
