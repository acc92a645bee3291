"""A catalog read answered in front of Flask is counted and logged as Flask would have done,
sees every catalog write at once from another process, and keeps its memory bounded."""

from __future__ import annotations

import pytest
from flask import Flask

from shop.entrypoints.web.catalog_fast_path import EXTENSION
from tests.integration.apps import Api, AppFactory
from tests.integration.catalog_data import Catalog, build_sample
from tests.integration.fast_path_support import TwoPaths, same_request_lines
from tests.integration.redis_round_trips import round_trips
from tests.integration.test_metrics import scrape, value
from tests.integration.test_request_log import Lines, log_lines  # noqa: F401 (a fixture)


def _sample(app: Flask) -> Catalog:
    return build_sample(Api.of(app))


def _moves(api: Api, read: object) -> dict[tuple[str, tuple[object, ...]], float]:
    """How the shop's counts moved over `read()` (the scrape itself left out; not the sums
    and buckets of durations, which differ by how long a request took)."""
    before = scrape(api)
    read()  # type: ignore[operator]
    after = scrape(api)
    moved = {k: v - before.get(k, 0.0) for k, v in after.items() if v != before.get(k, 0.0)}
    return {
        k: v
        for k, v in moved.items()
        if k[0].startswith("shop_")
        and k[0].endswith(("_total", "_count"))
        and dict(k[1]).get("route") != "/metrics"
    }


def test_metrics_move_as_they_do_through_flask(make_app: AppFactory, backend: str) -> None:
    catalog = _sample(make_app(backend))
    paths = TwoPaths(catalog.api.app)
    url = f"/api/v1/products/{catalog.ids['Nova Phone']}"
    etag = paths.through_flask(url).headers["ETag"]
    for headers in ({}, {"If-None-Match": etag}):
        fast = _moves(catalog.api, lambda: paths.fast(url, headers))  # noqa: B023
        flask = _moves(catalog.api, lambda: paths.flask_only.get(url, headers=headers))  # noqa: B023
        assert fast == flask
        status = "304" if headers else "200"
        ok = {"method": "GET", "route": "/api/v1/products/{product_id}", "status": status}
        assert value(fast, "shop_http_requests_total", **ok) == 1
        assert value(fast, "shop_http_request_duration_seconds_count", **ok) == 1
        assert value(fast, "shop_catalog_cache_lookups_total", result="hit") == 1


def test_the_request_log_line_is_the_same(
    make_app: AppFactory,
    backend: str,
    log_lines: Lines,  # noqa: F811
) -> None:
    catalog = _sample(make_app(backend))
    paths = TwoPaths(catalog.api.app)
    url = "/api/v1/products?q=nova"
    paths.through_flask(url)
    log_lines.lines.clear()
    paths.fast(url, {"X-Request-ID": "req-fast"})
    paths.flask_only.get(url, headers={"X-Request-ID": "req-fast"})
    fast = same_request_lines(log_lines.lines)
    assert fast["request_id"] == "req-fast"
    assert (fast["route"], fast["status"], fast["user_id"]) == ("/api/v1/products", 200, None)


def test_a_write_in_one_process_shows_in_the_next_read_of_another(make_app: AppFactory) -> None:
    writer, reader = make_app("postgres"), make_app("postgres")  # two API processes
    catalog = _sample(writer)
    paths = TwoPaths(reader)
    nova = f"/api/v1/products/{catalog.ids['Nova Phone']}"
    for url in (nova, "/api/v1/products?q=nova"):
        paths.through_flask(url)
        paths.fast(url)
    for name in ("Nova Phone 2", "Nova Phone 3"):
        catalog.patch(nova.removeprefix("/api/v1"), {"name": name})
        assert paths.through_flask(nova).json["name"] == name
        assert [p["name"] for p in paths.through_flask("/api/v1/products?q=nova").json] == [name]
        assert paths.fast(nova).json["name"] == name


def test_the_urls_it_knows_are_bounded(make_app: AppFactory) -> None:
    catalog = _sample(make_app("embedded"))
    paths = TwoPaths(catalog.api.app)
    paths.fast_path.known.capacity = 3
    urls = [f"/api/v1/products?q=nova&n={n}" for n in range(6)]
    for url in urls:
        paths.through_flask(url)
    assert len(paths.fast_path.known) == 3
    paths.fast(urls[-1])
    paths.through_flask(urls[0])  # forgotten: Flask answers it again, and teaches it again
    paths.fast(urls[0])


def test_long_urls_are_left_to_flask(make_app: AppFactory) -> None:
    catalog = _sample(make_app("embedded"))
    paths = TwoPaths(catalog.api.app)
    url = "/api/v1/products?q=nova&" + "x" * 3000
    for _ in range(2):
        assert paths.through_flask(url).status_code == 200
    assert len(paths.fast_path.known) == 0


def test_no_fast_path_with_a_rate_limit_or_without_the_cache(make_app: AppFactory) -> None:
    limited = make_app("embedded", rate_limit="1000/minute")
    uncached = make_app("embedded", cache_enabled=False)
    for app in (limited, uncached):
        assert EXTENSION not in app.extensions
    client = limited.test_client()
    remaining = [
        int(client.get("/api/v1/products").headers["X-RateLimit-Remaining"]) for _ in range(3)
    ]
    assert remaining[0] > remaining[1] > remaining[2]  # every read counted by the limiter


def test_a_known_url_flask_answers_again_reads_the_version_once(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fast path's read of the version serves Flask's when the entry is not held here
    (it expired, or a catalog write moved the version): one Redis round trip, not two."""
    catalog = _sample(make_app("postgres"))
    paths = TwoPaths(catalog.api.app)
    url = "/api/v1/products?q=nova"
    paths.through_flask(url)
    paths.fast_path.cache.recent._entries.clear()  # this process's copy is gone
    with round_trips(monkeypatch) as sent:
        assert paths.through_flask(url).status_code == 200
    version_reads = [command for command in sent if b"shop:catalog:version" in command]
    assert len(version_reads) == 1, sent
