"""Response caching and ETags of public catalog reads.

The storage (built by the composition root) is Redis when REDIS_URL is set, shared by every
process, and in-process otherwise. Keys carry the catalog version (`CatalogVersion`), which
every catalog write bumps after its commit: from then on no process finds the old entries,
with no scan or delete of keys. Entries live `SHOP_STOCK_STALENESS` seconds at most, the lag
allowed to stock changes that do not bump the version (checkout, cancellation).

What is never cached: admin reads (they see inactive items and must be exact) and anything
but a 200. When Redis does not answer, reads are served from the database and the outage is
logged; for a few seconds the cache is then not even tried, so a hung Redis costs one timeout,
not one per request.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, Response, current_app, make_response, request

from shop.bootstrap_bundles import ResponseCache
from shop.entrypoints.web.auth import viewer_is_admin
from shop.entrypoints.web.cache_key import CanonicalQuery
from shop.entrypoints.web.context import adapters
from shop.entrypoints.web.metrics import record_catalog_cache
from shop.services.common import ServiceUnavailable

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])
EXTENSION = "shop_catalog_cache"
CACHED_HEADERS = ("X-Pagination",)
RETRY_AFTER_OUTAGE_SECONDS = 5.0


class RecentEntries:
    """This process's copies of recently served entries (an LRU), under the same keys.

    A key carries the catalog version, so a copy is never served after a catalog write; it
    lives no longer than its Redis original (`stored_at` + ttl). A hit costs no Redis round
    trip and no unpickling: only the version is asked of Redis.
    """

    def __init__(self, ttl: float, capacity: int = 1024) -> None:
        self.ttl = ttl
        self.capacity = capacity
        self._entries: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry["stored_at"] + self.ttl <= time.time():
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: dict[str, Any]) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)


class CatalogCache:
    def __init__(self, cache: ResponseCache | None, ttl: float) -> None:
        self.cache = cache
        self.recent = RecentEntries(ttl)
        self._skip_until = 0.0
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.cache is not None and time.monotonic() >= self._skip_until

    def _outage(self, what: str, exc: BaseException) -> None:
        with self._lock:
            first = time.monotonic() >= self._skip_until
            self._skip_until = time.monotonic() + RETRY_AFTER_OUTAGE_SECONDS
        if first:
            log.warning(
                "catalog cache unavailable (%s: %s); serving from the database",
                what,
                type(exc).__name__,
            )

    def key(self, arguments: str) -> str | None:
        """The key of this path and its canonical `arguments` under the current catalog
        version; None if the version can't be had."""
        try:
            version = adapters().catalog.version.current()
        except ServiceUnavailable as exc:
            self._outage("version", exc)
            return None
        return f"v{version}:{request.path}?{arguments}"

    def get(self, key: str) -> dict[str, Any] | None:
        assert self.cache is not None
        entry = self.recent.get(key)
        if entry is not None:
            return entry
        try:
            entry = self.cache.get(key)
        except ServiceUnavailable as exc:
            self._outage("get", exc)
            return None
        if not isinstance(entry, dict) or "stored_at" not in entry:
            return None
        self.recent.put(key, entry)
        return entry

    def set(self, key: str, entry: dict[str, Any]) -> None:
        assert self.cache is not None
        self.recent.put(key, entry)
        try:
            self.cache.set(key, entry)
        except ServiceUnavailable as exc:
            self._outage("set", exc)


def init_catalog_cache(app: Flask, storage: ResponseCache | None, ttl: int) -> None:
    """Attach the response cache over `storage` (None: catalog responses are not cached)."""
    app.extensions[EXTENSION] = CatalogCache(storage, ttl=ttl)


def _catalog_cache() -> CatalogCache:
    return cast(CatalogCache, current_app.extensions[EXTENSION])


def etag_of(body: bytes, headers: dict[str, str]) -> str:
    digest = hashlib.sha256(body)
    for name in CACHED_HEADERS:
        digest.update(f"\n{name}: {headers.get(name, '')}".encode())
    return f'"{digest.hexdigest()[:32]}"'


def _entry(response: Response) -> dict[str, Any]:
    body = response.get_data()
    headers = {n: response.headers[n] for n in CACHED_HEADERS if n in response.headers}
    return {
        "body": body,
        "headers": headers,
        "mimetype": response.mimetype,
        "etag": etag_of(body, headers),
        "stored_at": time.time(),
    }


def _answer(entry: dict[str, Any], public: bool) -> Response:
    """The response for `entry`, or 304 when the client holds that very representation."""
    if request.if_none_match.contains(entry["etag"].strip('"')):
        response = Response(status=304)
    else:
        response = Response(entry["body"], status=200, mimetype=entry["mimetype"])
        for name, value in entry["headers"].items():
            response.headers[name] = value
    response.headers["ETag"] = entry["etag"]
    # Clients may keep the body but must revalidate it: a catalog write shows at once.
    response.headers["Cache-Control"] = "no-cache" if public else "private, no-cache"
    return response


def catalog_read(view: F) -> F:
    """Cache a public catalog GET and give every catalog GET an ETag (If-None-Match: 304).

    Put it above flask-smorest's decorators, so a cache hit skips the view and the database
    (the query is still validated, once, for the key).
    """
    canonical_query = CanonicalQuery(view)

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if viewer_is_admin():
            return _answer_fresh(view, args, kwargs, public=False, key=None)
        cache = _catalog_cache()
        arguments = canonical_query() if cache.enabled else None
        key = cache.key(arguments) if arguments is not None else None
        if key is not None:
            entry = cache.get(key)
            if entry is not None:
                record_catalog_cache("hit")
                return _answer(entry, public=True)
        if cache.cache is not None:
            record_catalog_cache("miss" if cache.enabled else "fallback")
        return _answer_fresh(view, args, kwargs, public=True, key=key)

    return cast(F, wrapper)


def _answer_fresh(
    view: Callable[..., Any], args: Any, kwargs: Any, *, public: bool, key: str | None
) -> Response:
    response = make_response(view(*args, **kwargs))
    if response.status_code != 200:
        return response
    entry = _entry(response)
    if key is not None:
        _catalog_cache().set(key, entry)
    return _answer(entry, public)
