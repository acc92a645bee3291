"""A fast path (the catalog's, or the cart's) and Flask alone behind it, side by side, for the
tests that compare them: both see the same app, the same cache and the same backing services."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from werkzeug.test import Client, TestResponse

from shop.entrypoints.web.cart_fast_path import CartFastPath
from shop.entrypoints.web.catalog_fast_path import EXTENSION, CatalogFastPath
from tests.integration.catalog_data import Catalog


class TwoPaths:
    """`through_fast_path` is the whole app; `flask_only` is Flask's own WSGI app (what the
    fast path falls through to). `flask_calls` counts what reached Flask from the former."""

    def __init__(self, app: Flask, extension: str = EXTENSION) -> None:
        self.fast_path: CatalogFastPath | CartFastPath = app.extensions[extension]
        flask_app = self.fast_path.app
        self.flask_calls = 0

        def counting(environ: dict[str, Any], start: Callable[..., Any]) -> Iterable[bytes]:
            self.flask_calls += 1
            return flask_app(environ, start)

        self.fast_path.app = counting
        self.through_fast_path = app.test_client()
        self.flask_only = Client(flask_app, TestResponse)

    def fast(self, url: str, headers: dict[str, str] | None = None) -> TestResponse:
        """GET `url` and check that Flask never saw it."""
        calls = self.flask_calls
        response = self.through_fast_path.get(url, headers=headers or {})
        assert self.flask_calls == calls, f"{url} {headers} reached Flask"
        return response

    def through_flask(self, url: str, method: str = "GET", **kwargs: Any) -> TestResponse:
        """`method` on `url` through the whole app, checking that Flask answered it."""
        calls = self.flask_calls
        response = self.through_fast_path.open(url, method=method, **kwargs)
        assert self.flask_calls == calls + 1, f"{method} {url} did not reach Flask"
        return response


def catalog_reads(catalog: Catalog) -> list[str]:
    """Every public catalog route, some with queries."""
    ids = catalog.ids
    return [
        "/api/v1/products?q=Nova+Phone&sort=-price&min_rating=1",
        "/api/v1/products",
        "/api/v1/products?q=nova&sort=price",
        "/api/v1/products?page=2&page_size=1",
        "/api/v1/products?category=phones&in_stock=true&attr=Color:Blue&min_price=1.5",
        "/api/v1/products?junk=1",
        f"/api/v1/products/{ids['Nova Phone']}",
        f"/api/v1/variants/{ids['ZETA-1']}",
        "/api/v1/categories",
        "/api/v1/attributes",
    ]


def answer(response: TestResponse, *, request_id: bool = True) -> tuple[Any, ...]:
    """What a client receives (gunicorn adds Date to either alike)."""
    headers = response.headers.to_wsgi_list()
    if not request_id:
        headers = [(n, v) for n, v in headers if n != "X-Request-ID"]
    return response.status, headers, response.get_data()


def same_request_lines(lines: list[str]) -> dict[str, Any]:
    """The two request log lines of `lines` (the fast path's, then Flask's), checked equal
    but for their time and duration; the first, without those."""
    fast, flask = (json.loads(line) for line in lines)
    assert list(fast) == list(flask)  # the same fields, in the same order
    for line in (fast, flask):
        assert line.pop("duration_ms") >= 0
        line.pop("time")
    assert fast == flask
    return dict(fast)
