"""The examples users meet first (Swagger UI's pre-filled values, the README's filters) find
something in the demo catalog that scripts/run loads."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from shop.adapters.sql.demo_seed import DEFAULT_PRODUCTS, DEFAULT_VARIANTS_PER_PRODUCT, seed_demo
from tests.integration.apps import Api

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture
def demo(api: Api) -> Api:
    seed_demo(
        api.adapters.engine,
        api.adapters.catalog.version,
        DEFAULT_PRODUCTS,
        DEFAULT_VARIANTS_PER_PRODUCT,
    )
    return api


def _product_list_examples(api: Api) -> list[tuple[str, Any]]:
    spec = api.client.get("/openapi.json").json
    parameters = spec["paths"]["/api/v1/products"]["get"]["parameters"]
    examples = []
    for parameter in parameters:
        example = parameter.get("example", parameter.get("schema", {}).get("example"))
        if parameter["in"] == "query" and example is not None:
            values = example if isinstance(example, list) else [example]
            examples += [(parameter["name"], value) for value in values]
    return examples


def test_swagger_ui_pre_filled_product_search_finds_demo_products(demo: Api) -> None:
    examples = _product_list_examples(demo)
    assert {name for name, _ in examples} >= {"attr", "min_price", "max_price"}
    response = demo.client.get("/api/v1/products", query_string=examples)
    assert response.status_code == 200, response.json
    assert response.json != []


def test_the_readme_attribute_filters_find_demo_products(demo: Api) -> None:
    filters = re.findall(r"attr=([A-Za-z]+:[A-Za-z0-9]+)", README.read_text())
    assert filters
    for value in filters:
        response = demo.client.get("/api/v1/products", query_string={"attr": value})
        assert response.json != [], value


def test_the_variant_example_names_demo_attribute_values(demo: Api) -> None:
    spec = demo.client.get("/openapi.json").json
    example = spec["components"]["schemas"]["VariantCreate"]["properties"]["attributes"]["example"]
    attributes = {a["name"]: {v["value"] for v in a["values"]} for a in _all_attributes(demo)}
    for name, value in example.items():
        assert value in attributes[name], (name, value)


def _all_attributes(api: Api) -> list[dict[str, Any]]:
    return list(api.client.get("/api/v1/attributes?page_size=100").json)
