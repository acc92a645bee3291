"""docs/catalog-example.csv, the README's example, imports cleanly into the demo catalog."""

from __future__ import annotations

from pathlib import Path

import pytest

from shop.adapters.sql.demo_seed import seed_demo
from tests.integration.apps import Api
from tests.integration.imports_support import apply, upload, wait_finished

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "catalog-example.csv"
pytestmark = pytest.mark.usefixtures("jobs_run")


def test_the_example_file_imports_cleanly_into_the_demo_catalog(api: Api) -> None:
    seed_demo(api.adapters.engine, api.adapters.catalog.version)
    admin = api.admin_headers()
    text = EXAMPLE.read_text(encoding="utf-8")
    checked = wait_finished(api, admin, upload(api, admin, text))
    assert checked["errors"] == []
    assert checked["counts"] == {"create": 7, "update": 0, "unchanged": 0, "error": 0}
    applied = apply(api, admin, checked["id"])
    assert applied["state"] == "done"
    shoe = api.client.get("/api/v1/products?q=trail runner 2").json
    assert [p["category"]["slug"] for p in shoe] == ["sneakers"]
    gift = api.client.get("/api/v1/products?category=gift-cards").json
    assert [p["name"] for p in gift] == ["Gift card 50"]
    again = wait_finished(api, admin, upload(api, admin, text))
    assert again["counts"]["unchanged"] == 7
