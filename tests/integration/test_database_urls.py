"""DATABASE_URL as hosting providers write it works; an unusable one is one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest

from shop.adapters.sql import migrations
from shop.adapters.sql.engine import make_engine, ping_database
from tests.integration.apps import AppFactory
from tests.integration.shop_command import shop


@pytest.mark.parametrize("scheme", ["postgresql://", "postgres://"])
def test_bare_postgres_urls_use_the_installed_driver(
    migrated_postgres_url: str, make_app: AppFactory, scheme: str
) -> None:
    bare = migrated_postgres_url.replace("postgresql+psycopg2://", scheme)
    migrations.upgrade(bare)
    ping_database(make_engine(bare))
    app = make_app("postgres", database_url=bare)
    assert app.test_client().get("/readyz").status_code == 200


def test_shop_db_upgrade_accepts_a_bare_postgresql_url(migrated_postgres_url: str) -> None:
    bare = migrated_postgres_url.replace("postgresql+psycopg2://", "postgres://")
    result = shop("db", "upgrade", env={"DATABASE_URL": bare})
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("postgresql://shop:s3cret@127.0.0.1:1/shop", "Connection refused"),
        ("not a url", "Could not parse"),
        ("mysql://shop@127.0.0.1/shop", "MySQLdb"),
    ],
)
@pytest.mark.parametrize("command", [("db", "upgrade"), ("create-admin", "a@example.com")])
def test_an_unusable_database_is_one_clear_line_and_a_failure(
    url: str, says: str, command: tuple[str, ...], tmp_path: Path
) -> None:
    args = (*command, "--password", "long-enough-pw") if command[0] == "create-admin" else command
    result = shop(
        *args,
        env={
            "DATABASE_URL": url,
            "SHOP_ENV": "development",
            "SHOP_DATA_DIR": str(tmp_path),
            "REDIS_URL": "",
        },
    )
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert says in lines[0]
    assert "s3cret" not in result.stderr


def test_connections_skip_gssapi_encryption_unless_the_url_asks(
    migrated_postgres_url: str,
) -> None:
    def gssencmode(url: str) -> str:
        engine = make_engine(url)
        try:
            with engine.connect() as connection:
                dbapi = connection.connection.dbapi_connection
                assert dbapi is not None
                return str(dbapi.get_dsn_parameters()["gssencmode"])
        finally:
            engine.dispose()

    assert gssencmode(migrated_postgres_url) == "disable"
    separator = "&" if "?" in migrated_postgres_url else "?"
    assert gssencmode(f"{migrated_postgres_url}{separator}gssencmode=prefer") == "prefer"
