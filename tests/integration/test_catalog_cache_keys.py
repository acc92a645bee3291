"""The response cache is keyed on the validated query: nobody can poison or flush it."""

from __future__ import annotations

import pytest

from tests.integration.apps import Api
from tests.integration.catalog_data import Catalog, build_sample


@pytest.fixture
def catalog(api: Api) -> Catalog:
    return build_sample(api)


def names(api: Api, query: str) -> list[str]:
    response = api.client.get(f"/api/v1/products?{query}")
    assert response.status_code == 200, response.json
    return [p["name"] for p in response.json]


def test_one_value_holding_an_ampersand_does_not_share_a_key_with_two_parameters(
    catalog: Catalog,
) -> None:
    assert names(catalog.api, "category=phones%26q%3Dnova") == []
    assert names(catalog.api, "category=phones&q=nova") == ["Nova Phone"]


def test_unknown_parameters_never_make_new_cache_entries(catalog: Catalog) -> None:
    cache = catalog.api.app.extensions["shop_catalog_cache"]
    names(catalog.api, "q=nova")
    before = len(cache.recent._entries)
    for junk in range(5):
        assert names(catalog.api, f"q=nova&junk={junk}") == ["Nova Phone"]
    names(catalog.api, "sort=-created_at&q=nova")
    assert len(cache.recent._entries) == before


def test_an_invalid_query_is_never_cached(catalog: Catalog) -> None:
    cache = catalog.api.app.extensions["shop_catalog_cache"]
    before = len(cache.recent._entries)
    response = catalog.api.client.get("/api/v1/products?page_size=1000")
    assert response.status_code == 422
    assert len(cache.recent._entries) == before
