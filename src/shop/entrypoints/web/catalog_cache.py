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
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, Response, current_app, make_response, request
from werkzeug.http import parse_etags

from shop.bootstrap_bundles import ResponseCache
from shop.entrypoints.web.auth import viewer_is_admin
from shop.entrypoints.web.cache_key import CanonicalQuery
from shop.entrypoints.web.metrics import record_catalog_cache
from shop.entrypoints.web.recent_entries import RecentEntries
from shop.entrypoints.web.request_log import route_template
from shop.services.catalog.ports import CatalogVersion
from shop.services.common import ServiceUnavailable

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])
EXTENSION = "shop_catalog_cache"
CACHED_HEADERS = ("X-Pagination",)
RETRY_AFTER_OUTAGE_SECONDS = 5.0
# Clients may keep the body but must revalidate it: a catalog write shows at once.
PUBLIC_CACHE_CONTROL = "no-cache"
PRIVATE_CACHE_CONTROL = "private, no-cache"
# Where a public answer from the cache is noted in the WSGI environ, for the fast path.
PUBLIC_ANSWER_ENVIRON_KEY = "shop.catalog.public_answer"
# Where the catalog version read for a request is noted: the fast path's read, when it hands
# the request on to Flask, serves Flask's too (one read of the version per request).
VERSION_ENVIRON_KEY = "shop.catalog.version"


@dataclass(frozen=True)
class PublicAnswer:
    """A public catalog read answered from the cache entry under `path` and `arguments`."""

    path: str  # request.path, as in the cache key
    arguments: str  # the canonical query
    route: str  # the route template, for the metrics and the log line
    entry: dict[str, Any]


class CatalogCache:
    def __init__(self, cache: ResponseCache | None, version: CatalogVersion, ttl: float) -> None:
        self.cache = cache
        self.version = version
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

    def key(self, environ: dict[str, Any], path: str, arguments: str) -> str | None:
        """The key of `path` and its canonical `arguments` under the catalog version of the
        request whose WSGI `environ` this is (the shared version, read once per request);
        None if the version can't be had."""
        version = environ.get(VERSION_ENVIRON_KEY)
        if version is None:
            try:
                version = self.version.current()
            except ServiceUnavailable as exc:
                self._outage("version", exc)
                return None
            environ[VERSION_ENVIRON_KEY] = version
        return f"v{version}:{path}?{arguments}"

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


def init_catalog_cache(
    app: Flask, storage: ResponseCache | None, version: CatalogVersion, ttl: int
) -> CatalogCache:
    """Attach the response cache over `storage` (None: catalog responses are not cached)."""
    cache = CatalogCache(storage, version, ttl=ttl)
    app.extensions[EXTENSION] = cache
    return cache


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


def client_holds(entry: dict[str, Any], if_none_match: str | None) -> bool:
    """Does the client's If-None-Match name this very representation (a 304)?"""
    return parse_etags(if_none_match).contains(entry["etag"].strip('"'))


def _answer(entry: dict[str, Any], public: bool) -> Response:
    """The response for `entry`, or 304 when the client holds that very representation."""
    if client_holds(entry, request.headers.get("If-None-Match")):
        response = Response(status=304)
    else:
        response = Response(entry["body"], status=200, mimetype=entry["mimetype"])
        for name, value in entry["headers"].items():
            response.headers[name] = value
    response.headers["ETag"] = entry["etag"]
    response.headers["Cache-Control"] = PUBLIC_CACHE_CONTROL if public else PRIVATE_CACHE_CONTROL
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
            return _answer_admin(view(*args, **kwargs))
        cache = _catalog_cache()
        arguments = canonical_query() if cache.enabled else None
        key = None if arguments is None else cache.key(request.environ, request.path, arguments)
        if key is not None:
            entry = cache.get(key)
            if entry is not None:
                record_catalog_cache("hit")
                return _answer_public(entry, arguments)
        if cache.cache is not None:
            record_catalog_cache("miss" if cache.enabled else "fallback")
        response = make_response(view(*args, **kwargs))
        if response.status_code != 200:
            return response
        entry = _entry(response)
        if key is None:
            return _answer(entry, public=True)
        cache.set(key, entry)
        return _answer_public(entry, arguments)

    return cast(F, wrapper)


def _answer_public(entry: dict[str, Any], arguments: str | None) -> Response:
    """The answer from a cached `entry`, noted for the fast path to answer the next time."""
    assert arguments is not None, "a cache key has arguments"
    answer = PublicAnswer(request.path, arguments, route_template(), entry)
    request.environ[PUBLIC_ANSWER_ENVIRON_KEY] = answer
    return _answer(entry, public=True)


def _answer_admin(returned: Any) -> Response:
    """An admin's read: never cached, the ETag still given."""
    response = make_response(returned)
    if response.status_code != 200:
        return response
    return _answer(_entry(response), public=False)
