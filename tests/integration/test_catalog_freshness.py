"""API.md "Freshness": cached catalog reads never outlive a catalog write, in any process;
stock-only changes may lag by SHOP_STOCK_STALENESS at most; Redis going away never breaks
catalog reads."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import update

from shop.adapters.redis.catalog_version import RedisCatalogVersion
from shop.adapters.redis.client import make_redis
from shop.adapters.sql import tables as orm
from tests.integration.apps import Api, AppFactory
from tests.integration.catalog_data import build_sample
from tests.integration.statement_count import statements
from tests.support.servers import RedisServer


def _api(make_app: AppFactory, backend: str, **settings: object) -> Api:
    app = make_app(backend, **settings)
    return Api(client=app.test_client(), app=app)


def _set_stock_behind_the_api(api: Api, variant_id: int, stock: int) -> None:
    """As checkout will: a stock change that does not bump the catalog version."""
    with api.adapters.engine.begin() as connection:
        connection.execute(
            update(orm.variants).where(orm.variants.c.id == variant_id).values(stock=stock)
        )


def test_a_write_through_one_process_shows_in_the_next_read_through_another(
    make_app: AppFactory,
) -> None:
    writer, reader = _api(make_app, "postgres"), _api(make_app, "postgres")
    catalog = build_sample(writer)
    zeta, zeta_1 = catalog.ids["Zeta Laptop"], catalog.ids["ZETA-1"]
    urls = [
        f"/api/v1/products/{zeta}",
        f"/api/v1/variants/{zeta_1}",
        "/api/v1/products?q=zeta",
        "/api/v1/categories",
    ]
    for url in urls:  # warm the shared cache through the reader
        assert reader.client.get(url).status_code == 200
    with statements(reader.adapters.engine) as sent:
        for url in urls:
            reader.client.get(url)
    assert sent == [], "the reader serves these from the shared cache"

    catalog.patch(f"/products/{zeta}", {"name": "Zeta Laptop Pro"})
    catalog.patch(f"/variants/{zeta_1}", {"price": "1111.00"})
    catalog.patch(f"/categories/{catalog.ids['Laptops']}", {"name": "Notebooks"})

    assert reader.client.get(urls[0]).json["name"] == "Zeta Laptop Pro"
    assert reader.client.get(urls[1]).json["price"] == "1111.00"
    (listed,) = reader.client.get(urls[2]).json
    assert (listed["name"], listed["price_from"]) == ("Zeta Laptop Pro", "1111.00")
    assert "Notebooks" in [c["name"] for c in reader.client.get(urls[3]).json]

    catalog.patch(f"/products/{zeta}", {"is_active": False})
    assert reader.client.get(urls[0]).status_code == 404
    assert reader.client.get(urls[2]).json == []


def test_stock_only_changes_lag_by_the_staleness_ttl_at_most(
    make_app: AppFactory, backend: str
) -> None:
    api = _api(make_app, backend, stock_staleness=1)
    catalog = build_sample(api)
    url = f"/api/v1/variants/{catalog.ids['ZETA-1']}"
    assert api.client.get(url).json["stock"] == 5
    _set_stock_behind_the_api(api, catalog.ids["ZETA-1"], 2)
    assert api.client.get(url).json["stock"] == 5  # cached
    assert api.client.get(url, headers=catalog.admin).json["stock"] == 2  # admins bypass
    time.sleep(1.3)
    assert api.client.get(url).json["stock"] == 2


def test_without_the_cache_every_read_is_live(make_app: AppFactory, backend: str) -> None:
    api = _api(make_app, backend, cache_enabled=False)
    catalog = build_sample(api)
    url = f"/api/v1/variants/{catalog.ids['ZETA-1']}"
    assert api.client.get(url).json["stock"] == 5
    _set_stock_behind_the_api(api, catalog.ids["ZETA-1"], 2)
    assert api.client.get(url).json["stock"] == 2
    assert api.client.get(url).headers["ETag"]


@pytest.mark.parametrize("failure", ["killed", "frozen"])
def test_catalog_reads_keep_answering_while_redis_is_down(
    make_app: AppFactory, redis_outage: RedisServer, failure: str
) -> None:
    api = _api(make_app, "postgres")
    catalog = build_sample(api)
    zeta = catalog.ids["Zeta Laptop"]
    reads = [
        "/api/v1/products",
        "/api/v1/products?q=nova&sort=price",
        f"/api/v1/products/{zeta}",
        f"/api/v1/variants/{catalog.ids['ZETA-1']}",
        "/api/v1/categories",
        "/api/v1/attributes",
    ]
    for url in reads:
        assert api.client.get(url).status_code == 200
    customer = api.customer_headers()

    if failure == "killed":
        redis_outage.kill()
    else:
        redis_outage.pause()
    started = time.monotonic()
    for url in reads:
        response = api.client.get(url)
        assert response.status_code == 200, (url, response.json)
    assert time.monotonic() - started < 3.0, "one Redis timeout at most, not one per read"
    assert api.client.get(f"/api/v1/products/{zeta}").json["name"] == "Zeta Laptop"
    # A signed-in customer is served too, as a guest: the token can't be checked just now.
    started = time.monotonic()
    assert api.client.get(f"/api/v1/products/{zeta}", headers=customer).status_code == 200
    assert time.monotonic() - started < 2.5
    # Writes need Redis (the admin token check and the version bump): a quick 503.
    refused = api.client.patch(
        f"/api/v1/products/{zeta}", json={"name": "X"}, headers=catalog.admin
    )
    assert refused.status_code == 503
    assert refused.headers["Retry-After"]

    redis_outage.resume()
    redis_outage.start()
    catalog.patch(f"/products/{zeta}", {"name": "Zeta Laptop Again"})
    assert api.client.get(f"/api/v1/products/{zeta}").json["name"] == "Zeta Laptop Again"
    for url in reads:
        assert api.client.get(url).status_code == 200


def test_a_lost_redis_version_restarts_above_every_earlier_one(redis_url: str) -> None:
    redis = make_redis(redis_url)
    version = RedisCatalogVersion(redis, key="test:catalog:version")
    version.bump()
    version.bump()
    before = int(version.current())
    redis.delete("test:catalog:version")  # evicted, or Redis restarted empty
    assert int(version.current()) > before
    redis.close()
