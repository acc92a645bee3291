"""Cached catalog reads answered in front of Flask are Flask's very answers, byte for byte, and
nothing else is answered there: not bad input, not a signed-in caller, not a new query."""

from __future__ import annotations

import pytest

from tests.integration.apps import Api, AppFactory
from tests.integration.catalog_data import Catalog, build_sample
from tests.integration.fast_path_support import TwoPaths, answer, catalog_reads
from tests.integration.test_cors import FRONT

CORS_SETTINGS = {"no-cors": (), "cors-listed": (FRONT, "http://localhost:3000"), "cors-any": ("*",)}


@pytest.fixture(params=list(CORS_SETTINGS))
def cors_origins(request: pytest.FixtureRequest) -> tuple[str, ...]:
    return CORS_SETTINGS[request.param]


@pytest.fixture
def catalog(make_app: AppFactory, backend: str, cors_origins: tuple[str, ...]) -> Catalog:
    return build_sample(Api.of(make_app(backend, cors_origins=cors_origins)))


def test_every_cached_read_is_flasks_answer_byte_for_byte(catalog: Catalog) -> None:
    paths = TwoPaths(catalog.api.app)
    for url in catalog_reads(catalog):
        first = paths.through_flask(url)  # fills the cache and shows the fast path the URL
        assert first.status_code == 200, (url, first.json)
        etag = first.headers["ETag"]
        for headers in (
            {"X-Request-ID": "req-1.a:b"},
            {"X-Request-ID": "req-2", "If-None-Match": etag},
            {"X-Request-ID": "req-3", "If-None-Match": f'"other", W/{etag}'},
            {"X-Request-ID": "req-4", "If-None-Match": '"other"'},
            {"X-Request-ID": "req-5", "If-None-Match": "*"},
            {"X-Request-ID": "has spaces", "Cookie": "session=x", "Accept-Encoding": "gzip"},
        ):
            kept = headers["X-Request-ID"] != "has spaces"  # else a fresh id on each path
            fast = answer(paths.fast(url, headers), request_id=kept)
            flask = answer(paths.flask_only.get(url, headers=headers), request_id=kept)
            assert fast == flask, (url, headers)
        fresh = paths.fast(url)
        assert len(fresh.headers["X-Request-ID"]) == 32
        assert answer(fresh, request_id=False) == answer(
            paths.flask_only.get(url), request_id=False
        )


def test_a_not_modified_answer_has_no_body_and_no_content_type(catalog: Catalog) -> None:
    paths = TwoPaths(catalog.api.app)
    etag = paths.through_flask("/api/v1/products").headers["ETag"]
    response = paths.fast("/api/v1/products", {"If-None-Match": etag})
    assert response.status_code == 304
    assert response.get_data() == b""
    assert "Content-Type" not in response.headers
    assert response.headers["ETag"] == etag


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/products?page_size=1000",
        "/api/v1/products?page=99999999999999999999999",
        "/api/v1/products?q=%00nova",
        "/api/v1/products?q=nova%0d%0aX-Evil:%201",
        "/api/v1/products?min_price=abc",
        "/api/v1/products?min_price=1e400",
        "/api/v1/products?min_rating=nan",
        "/api/v1/products?sort=drop",
        "/api/v1/products/99999999999999999999999",
        "/api/v1/products/424242",
        "/api/v1/products/",
        "/api/v1/products/%00",
        "/api/v1/nothing-here",
    ],
)
def test_bad_input_is_answered_by_flask_alone(catalog: Catalog, url: str) -> None:
    """Refused input keeps reaching Flask; what Flask accepts (a control character is a
    valid search) is answered as Flask answers it."""
    paths = TwoPaths(catalog.api.app)
    headers = {"X-Request-ID": "odd"}
    refused = paths.through_flask(url, headers=headers).status_code != 200
    for _ in range(2):
        seen = paths.through_flask(url, headers=headers) if refused else paths.fast(url, headers)
        assert answer(seen) == answer(paths.flask_only.get(url, headers=headers))


def test_what_the_fast_path_may_not_judge_goes_to_flask(catalog: Catalog) -> None:
    paths = TwoPaths(catalog.api.app)
    hidden = f"/api/v1/products/{catalog.ids['Hidden Phone']}"
    nova = f"/api/v1/products/{catalog.ids['Nova Phone']}"
    for url in (nova, hidden):
        paths.through_flask(url)
    paths.fast(nova)
    customer = catalog.api.customer_headers()

    assert paths.through_flask(hidden, headers=catalog.admin).status_code == 200
    assert paths.through_flask(hidden).status_code == 404
    assert paths.through_flask(nova, headers=customer).status_code == 200
    assert paths.through_flask(nova, headers={"Authorization": "Bearer forged"}).status_code == 401
    assert paths.through_flask(nova, headers={"Origin": FRONT}).status_code == 200
    assert paths.through_flask(nova, method="HEAD").status_code == 200
    assert paths.through_flask(nova, method="OPTIONS").status_code == 200
    assert paths.through_flask(nova, data=b"{}", content_type="application/json").status_code == 200
    assert paths.through_flask(nova + "?x=1").status_code == 200  # a query string not seen yet
    catalog.patch(nova.removeprefix("/api/v1"), {"name": "Nova Phone 2"})
    assert paths.through_flask(nova).json["name"] == "Nova Phone 2"  # a new version
    assert paths.fast(nova).json["name"] == "Nova Phone 2"
