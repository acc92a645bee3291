"""`shop seed-demo`: a believable catalog, idempotent, and fast enough for benchmarks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text

from shop.adapters.sql import tables as orm
from shop.adapters.sql.demo_seed import seed_demo
from shop.entrypoints.cli.main import main
from tests.integration.apps import Api, AppFactory


def _counts(api: Api) -> dict[str, int]:
    with api.adapters.engine.connect() as connection:
        return {
            table.name: int(connection.scalar(select(func.count()).select_from(table)) or 0)
            for table in (
                orm.categories,
                orm.attributes,
                orm.attribute_values,
                orm.products,
                orm.variants,
                orm.variant_attribute_values,
            )
        }


def test_the_demo_catalog_is_believable_and_seeding_twice_changes_nothing(api: Api) -> None:
    first = seed_demo(api.adapters.engine, api.adapters.catalog.version)
    counts = _counts(api)
    assert counts["categories"] >= 5
    assert counts["products"] >= 50
    assert counts["variants"] >= 150
    assert counts["attribute_values"] >= 20
    assert first.products == counts["products"]

    again = seed_demo(api.adapters.engine, api.adapters.catalog.version)
    assert (again.products, again.variants, again.categories) == (0, 0, 0)
    assert _counts(api) == counts

    attributes = {a["name"] for a in api.client.get("/api/v1/attributes").json}
    assert {"Color", "Size", "Memory", "Material"} <= attributes
    products = api.client.get("/api/v1/products?page_size=100").json
    assert len(products) == counts["products"]
    assert all(re.fullmatch(r"\d+\.\d\d", p["price_from"]) for p in products if p["price_from"])
    detail = api.client.get(f"/api/v1/products/{products[0]['id']}").json
    assert detail["variants"]
    assert all(v["attributes"] for v in detail["variants"])
    assert len(api.client.get("/api/v1/products?attr=Color:Black").json) > 0


def test_a_larger_run_adds_only_the_missing_products(api: Api) -> None:
    seed_demo(api.adapters.engine, api.adapters.catalog.version, 60, 3)
    report = seed_demo(api.adapters.engine, api.adapters.catalog.version, 500, 4)
    assert report.products == 440
    counts = _counts(api)
    assert counts["products"] == 500
    # the 60 first products keep their 3 variants; the new ones have 4 each
    assert counts["variants"] == 60 * 3 + 440 * 4
    skus = api.client.get("/api/v1/products?q=PHN-000001").json
    assert [p["name"] for p in skus] == ["Nova X1"]


def test_seeding_makes_cached_reads_show_the_new_products(api: Api) -> None:
    assert api.client.get("/api/v1/products").json == []
    seed_demo(api.adapters.engine, api.adapters.catalog.version, 5, 1)
    assert len(api.client.get("/api/v1/products").json) == 5


def test_the_seed_demo_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    database = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", database)
    monkeypatch.setenv("SHOP_ENV", "development")
    monkeypatch.setenv("SHOP_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("REDIS_URL", raising=False)
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(main, ["seed-demo", "--products", "80", "--variants-per-product", "2"])
    assert result.exit_code == 0, result.output
    assert "80 products and 160 variants" in result.output
    again = runner.invoke(main, ["seed-demo", "--products", "80", "--variants-per-product", "2"])
    assert "0 products and 0 variants" in again.output


def test_postgres_serves_q_from_the_trigram_index(make_app: AppFactory) -> None:
    app = make_app("postgres")
    adapters = app.extensions["shop"]
    seed_demo(adapters.engine, adapters.catalog.version, 200, 2)
    with adapters.engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.execute(text("SET enable_seqscan = off"))
        plan = "\n".join(
            connection.scalars(
                text("EXPLAIN SELECT id FROM products WHERE search_text LIKE :p"),
                {"p": "%nova%"},
            )
        )
    assert "ix_products_search_text_trgm" in plan
