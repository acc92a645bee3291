"""Cached public catalog reads answered in front of Flask (WSGI), with the same bytes.

A cached read through Flask costs about twice what the entry's bytes need: the request
context, the hooks, the view's decorators, a Response. This middleware answers a GET that
Flask has already answered from the catalog cache (same path, same raw query string, so
the query was validated and mapped to its canonical key there) straight from the same
process-local entry, after reading the shared catalog version from its store as every
cached read does. It answers nothing it has not seen Flask answer: a new query string, a
bad one, an entry not (or no longer) held in this process, a store that does not answer,
a signed-in caller, an `Origin`, a request body, a method but GET all go to Flask, which
then fills what the next request finds here.

The headers Flask's hooks add that do not depend on the entry (CORS headers for requests
without `Origin`, for one) are learnt from Flask's own answer, which is checked, header by
header, against what this path would have built from the same entry: a route whose answer
this path cannot rebuild exactly is never answered here. Each answer is counted and logged
as Flask would have (`shop_http_requests`, a catalog cache hit, the `shop.request` line).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import Flask
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.utils import get_content_type

from shop.entrypoints.web import metrics
from shop.entrypoints.web.catalog_cache import (
    PUBLIC_ANSWER_ENVIRON_KEY,
    PUBLIC_CACHE_CONTROL,
    CatalogCache,
    PublicAnswer,
    client_holds,
)
from shop.entrypoints.web.front_answers import (
    OK,
    Environ,
    Headers,
    StartResponse,
    WsgiApp,
    observe,
    without_flask_only_headers,
)
from shop.entrypoints.web.recent_entries import Lru
from shop.entrypoints.web.request_log import REQUEST_ID_HEADER, request_id_from

EXTENSION = "shop_catalog_fast_path"
NOT_MODIFIED = f"304 {HTTP_STATUS_CODES[304].upper()}"
LONGEST_KNOWN_URL = 2048


@dataclass(frozen=True)
class KnownRead:
    """Where the entry of a URL is cached (never the entry itself: that may change)."""

    path: str
    arguments: str
    route: str
    extra_headers: tuple[tuple[str, str], ...]  # added by Flask's hooks, whatever the entry


def answer_headers(
    entry: dict[str, Any], not_modified: bool, extra: Iterable[tuple[str, str]], request_id: str
) -> Headers:
    """The headers Flask gives a public answer from `entry`, in Flask's order."""
    headers: Headers = []
    if not not_modified:
        body: bytes = entry["body"]
        headers.append(("Content-Type", get_content_type(entry["mimetype"], "utf-8")))
        headers.append(("Content-Length", str(len(body))))
        headers.extend(entry["headers"].items())
    headers.append(("ETag", entry["etag"]))
    headers.append(("Cache-Control", PUBLIC_CACHE_CONTROL))
    headers.extend(extra)
    headers.append((REQUEST_ID_HEADER, request_id))
    return headers


class CatalogFastPath:
    """WSGI middleware in front of Flask (`app`): see the module's docstring."""

    def __init__(self, app: WsgiApp, cache: CatalogCache, capacity: int = 1024) -> None:
        self.app = app
        self.cache = cache
        # The reads Flask answered from the cache, by (PATH_INFO, QUERY_STRING).
        self.known: Lru[tuple[str, str], KnownRead] = Lru(capacity)

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        if environ.get("REQUEST_METHOD") != "GET" or not without_flask_only_headers(environ):
            return self.app(environ, start_response)
        url = (environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""))
        known = self.known.get(url)
        entry = self._entry(environ, known) if known is not None else None
        if known is None or entry is None:
            return self._through_flask(url, environ, start_response)
        request_id = request_id_from(environ.get("HTTP_X_REQUEST_ID"))
        not_modified = client_holds(entry, environ.get("HTTP_IF_NONE_MATCH"))
        headers = answer_headers(entry, not_modified, known.extra_headers, request_id)
        start_response(NOT_MODIFIED if not_modified else OK, headers)
        metrics.record_catalog_cache("hit")
        observe(known.route, 304 if not_modified else 200, started, request_id)
        return [] if not_modified else [entry["body"]]

    def _entry(self, environ: Environ, known: KnownRead) -> dict[str, Any] | None:
        """The entry this process holds for `known` under the current catalog version."""
        if not self.cache.enabled:
            return None
        key = self.cache.key(environ, known.path, known.arguments)
        return None if key is None else self.cache.recent.get(key)

    def _through_flask(
        self, url: tuple[str, str], environ: Environ, start_response: StartResponse
    ) -> Iterable[bytes]:
        """Flask's answer; one from the cache teaches this path the URL."""

        def noting_start_response(status: str, headers: Headers, *args: Any) -> Any:
            answer = environ.get(PUBLIC_ANSWER_ENVIRON_KEY)
            if isinstance(answer, PublicAnswer) and status == OK:
                self._learn(url, answer, headers)
            return start_response(status, headers, *args)

        return self.app(environ, noting_start_response)

    def _learn(self, url: tuple[str, str], answer: PublicAnswer, headers: Headers) -> None:
        if len(url[0]) + len(url[1]) > LONGEST_KNOWN_URL or not headers:
            return
        name, request_id = headers[-1]
        if name != REQUEST_ID_HEADER:
            return
        own = answer_headers(answer.entry, False, (), request_id)
        extra = tuple(headers[len(own) - 1 : -1])
        if answer_headers(answer.entry, False, extra, request_id) == list(headers):
            self.known.put(url, KnownRead(answer.path, answer.arguments, answer.route, extra))


def install_catalog_fast_path(app: Flask, cache: CatalogCache) -> None:
    """Put the fast path right in front of Flask's own WSGI app (inside other middleware,
    so it sees the environ Flask sees). Not when catalog responses are not cached."""
    if cache.cache is None:
        return
    fast_path = CatalogFastPath(app.wsgi_app, cache)
    app.extensions[EXTENSION] = fast_path
    app.wsgi_app = fast_path  # type: ignore[method-assign]
