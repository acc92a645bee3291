"""Money in requests is exactly the documented pattern ^[0-9]{1,8}(\\.[0-9]{1,2})?$."""

from __future__ import annotations

import pytest

from tests.integration.apps import Api
from tests.integration.catalog_data import Catalog, build_sample

REFUSED = ["١٢.٥٠", " 12.50 ", "12.50 ", "1e2", "+12", "-1", "12.", ".5", "1_000", "12.500"]


@pytest.fixture
def catalog(api: Api) -> Catalog:
    return build_sample(api)


@pytest.mark.parametrize("price", REFUSED)
def test_a_price_outside_the_pattern_is_422(catalog: Catalog, price: str) -> None:
    response = catalog.api.client.patch(
        f"/api/v1/variants/{catalog.ids['NOVA-BLU-128']}",
        json={"price": price},
        headers=catalog.admin,
    )
    assert response.status_code == 422, response.json
    assert "price" in response.json["errors"]


@pytest.mark.parametrize("price", REFUSED)
def test_a_price_filter_outside_the_pattern_is_422(catalog: Catalog, price: str) -> None:
    response = catalog.api.client.get("/api/v1/products", query_string={"min_price": price})
    assert response.status_code == 422, response.json
    assert "min_price" in response.json["errors"]


@pytest.mark.parametrize("price", ["0", "12", "12.5", "12.50", "99999999.99"])
def test_prices_in_the_pattern_are_accepted(catalog: Catalog, price: str) -> None:
    response = catalog.api.client.get("/api/v1/products", query_string={"max_price": price})
    assert response.status_code == 200, response.json
