"""Every migration runs both ways on SQLite and PostgreSQL, and head matches the tables."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from shop.adapters.sql import migrations
from shop.adapters.sql.tables import metadata
from tests.support.servers import PostgresServer


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.create_database(f"migrations_{tmp_path.name[-12:].lower()}")


def tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_migrations_go_up_down_and_up_again(empty_database: str) -> None:
    migrations.upgrade(empty_database)
    assert tables(empty_database) == set(metadata.tables)
    migrations.downgrade(empty_database, "base")
    assert tables(empty_database) == set()
    migrations.upgrade(empty_database)
    assert tables(empty_database) == set(metadata.tables)
