"""Building the real app for integration tests, on the embedded default or PostgreSQL + Redis.

`make_app("embedded")` gives a fresh SQLite file and in-process adapters; `make_app("postgres")`
gives the session's PostgreSQL (emptied for this test) and Redis (flushed for this test).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from redis import Redis
from sqlalchemy import create_engine, text

from shop.adapters.sql import migrations
from shop.adapters.sql.tables import metadata
from shop.bootstrap import Adapters
from shop.entrypoints.web.app import create_app
from shop.services.accounts.registration import ensure_admin
from shop.settings import TEST, Settings

BACKENDS = ("embedded", "postgres")
PASSWORD = "correct-horse-battery"
_emails = itertools.count(1)


def test_settings(tmp_path: Path, **overrides: Any) -> Settings:
    base = Settings(
        env=TEST,
        database_url=f"sqlite:///{tmp_path / 'shop.sqlite3'}",
        secret_key="test-secret-key-" + "x" * 32,
        jwt_secret_key="test-jwt-secret-" + "y" * 32,
        data_dir=tmp_path,
        cheap_password_hashing=True,
    )
    return base.with_overrides(**overrides)


def empty_postgres(url: str) -> None:
    """Remove every row (and reset ids) of the migrated database between tests."""
    engine = create_engine(url)
    names = ", ".join(t.name for t in metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


def fresh_server_env(postgres_url: str, redis_url: str, **settings: str) -> dict[str, str]:
    """Empty the session's database and Redis; the environment for real server processes."""
    empty_postgres(postgres_url)
    Redis.from_url(redis_url).flushdb()
    return {"DATABASE_URL": postgres_url, "REDIS_URL": redis_url, **settings}


@pytest.fixture(scope="session")
def migrated_postgres_url(postgres_url: str) -> str:
    migrations.upgrade(postgres_url)
    return postgres_url


AppFactory = Callable[..., Flask]


@pytest.fixture
def make_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[AppFactory]:
    """make_app(backend="embedded" | "postgres", **settings_overrides) -> a ready Flask app.

    Several apps made in one test on "postgres" share its database and Redis, like several
    gunicorn processes do.
    """
    apps: list[Flask] = []
    state: dict[str, bool] = {"postgres_ready": False}

    def factory(backend: str = "embedded", **overrides: Any) -> Flask:
        if backend == "postgres":
            url = request.getfixturevalue("migrated_postgres_url")
            redis_url = request.getfixturevalue("redis_url")
            if not state["postgres_ready"]:
                empty_postgres(url)
                Redis.from_url(redis_url).flushdb()
                state["postgres_ready"] = True
            overrides = {"database_url": url, "redis_url": redis_url, **overrides}
        elif backend == "embedded":
            database = tmp_path / f"shop-{len(apps)}.sqlite3"
            overrides = {"database_url": f"sqlite:///{database}", **overrides}
            migrations.upgrade(overrides["database_url"])
        else:
            raise ValueError(f"unknown backend {backend!r}; use one of {BACKENDS}")
        app = create_app(test_settings(tmp_path, **overrides))
        app.config["TESTING"] = True
        apps.append(app)
        return app

    yield factory
    for app in apps:
        app.extensions["shop"].close()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Run a test once on the embedded default and once on PostgreSQL + Redis."""
    return str(request.param)


@pytest.fixture
def app(make_app: AppFactory, backend: str) -> Flask:
    return make_app(backend)


@dataclass
class Api:
    """A test client that knows how to become a customer or an admin."""

    client: FlaskClient
    app: Flask
    _tokens: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, app: Flask) -> Api:
        return cls(client=app.test_client(), app=app)

    @property
    def adapters(self) -> Adapters:
        return self.app.extensions["shop"]  # type: ignore[no-any-return]

    def new_email(self, prefix: str = "user") -> str:
        return f"{prefix}{next(_emails)}@example.com"

    def register(self, email: str | None = None, password: str = PASSWORD) -> dict[str, Any]:
        email = email or self.new_email()
        response = self.client.post(
            "/api/v1/auth/register", json={"email": email, "password": password}
        )
        assert response.status_code == 201, response.json
        return dict(response.json or {})

    def login(self, email: str, password: str = PASSWORD) -> dict[str, Any]:
        response = self.client.post(
            "/api/v1/auth/login", json={"email": email, "password": password}
        )
        assert response.status_code == 200, response.json
        return dict(response.json or {})

    def customer_headers(self, email: str | None = None) -> dict[str, str]:
        email = email or self.new_email("customer")
        self.register(email)
        return bearer(self.login(email)["access_token"])

    def admin_headers(self) -> dict[str, str]:
        email = self.new_email("admin")
        a = self.adapters
        ensure_admin(a.accounts.uow, a.accounts.hasher, a.clock, email, PASSWORD)
        return bearer(self.login(email)["access_token"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def api(app: Flask) -> Api:
    return Api(client=app.test_client(), app=app)
