"""Cart reads from a short-lived, version-keyed copy of variant data in this process.

A catalog write (price, name, activity, an admin's stock change, a deletion) bumps the
catalog version, and a copy is only used under the version it was read at: such a write
shows in the very next cart read, from every process. Stock moved by orders does not bump
the version, so availability may lag by `ttl` seconds at most. Cart writes (adds, quantity
changes, merges) never use this: they check live stock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable

from shop.domain.cart.pricing import VariantSnapshot
from shop.services.cart.ports import VariantLookup
from shop.services.catalog.ports import CatalogVersion

STOCK_STALENESS_SECONDS = 1.0


class CachedVariantLookup:
    def __init__(
        self,
        live: VariantLookup,
        version: CatalogVersion,
        ttl: float = STOCK_STALENESS_SECONDS,
        capacity: int = 10_000,
    ) -> None:
        self._live = live
        self._version = version
        self._ttl = ttl
        self._capacity = capacity
        self._copies: dict[int, tuple[str, float, VariantSnapshot]] = {}
        self._lock = threading.Lock()

    def at_version(self, catalog_version: str | None) -> VariantLookup:
        """This copy, keyed by a version read already (with the cart, in one round trip)."""
        if catalog_version is None:
            return self
        return _AtVersion(self, catalog_version)

    def many(self, variant_ids: Iterable[int]) -> dict[int, VariantSnapshot]:
        return self.many_at(None, variant_ids)

    def many_at(
        self, catalog_version: str | None, variant_ids: Iterable[int]
    ) -> dict[int, VariantSnapshot]:
        wanted = set(variant_ids)
        if not wanted:
            return {}
        version = catalog_version if catalog_version is not None else self._version.current()
        now = time.monotonic()
        found: dict[int, VariantSnapshot] = {}
        with self._lock:
            for variant_id in wanted:
                copy = self._copies.get(variant_id)
                if copy is not None and copy[0] == version and copy[1] > now:
                    found[variant_id] = copy[2]
        missing = wanted - found.keys()
        if missing:
            fresh = self._live.many(missing)
            with self._lock:
                if len(self._copies) + len(fresh) > self._capacity:
                    self._copies.clear()
                for variant_id, snapshot in fresh.items():
                    self._copies[variant_id] = (version, now + self._ttl, snapshot)
            found.update(fresh)
        return found


class _AtVersion:
    def __init__(self, lookup: CachedVariantLookup, catalog_version: str) -> None:
        self._lookup = lookup
        self._catalog_version = catalog_version

    def many(self, variant_ids: Iterable[int]) -> dict[int, VariantSnapshot]:
        return self._lookup.many_at(self._catalog_version, variant_ids)
