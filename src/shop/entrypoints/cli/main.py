"""The `shop` command: migrations, admins, demo data, the development server, the worker."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from shop.adapters.driver_errors import DATABASE_ERRORS, REDIS_ERRORS, database_location
from shop.adapters.sql import demo_seed, migrations
from shop.bootstrap import Adapters, bootstrap
from shop.domain.errors import DomainError
from shop.entrypoints.web.app import create_app
from shop.entrypoints.web.logging import configure_logging
from shop.entrypoints.worker.main import run_worker
from shop.services.accounts.registration import ensure_admin
from shop.services.common import ServiceUnavailable
from shop.settings import DEVELOPMENT, Settings, SettingsError


def _settings(*, with_secrets: bool = False) -> Settings:
    """The environment's settings, validated (and with their secrets, for the adapters)."""
    try:
        settings = Settings.from_env()
        if with_secrets:
            settings = settings.with_secrets()
        settings.validate()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    return settings


@contextmanager
def _adapters() -> Iterator[Adapters]:
    """The adapters a command works with, as the API builds them; closed afterwards."""
    adapters = bootstrap(_settings(with_secrets=True))
    try:
        yield adapters
    finally:
        adapters.close()


class ShopGroup(click.Group):
    """Turns an unusable database or Redis into one clear line and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DATABASE_ERRORS as exc:
            raise click.ClickException(_database_problem(exc)) from None
        except REDIS_ERRORS as exc:
            raise click.ClickException(f"Redis cannot be used: {_first_line(exc)}") from None
        except ServiceUnavailable as exc:  # the adapters' word for a driver's connection error
            cause = exc.__cause__ or exc
            if exc.service == "redis":
                raise click.ClickException(f"Redis cannot be used: {_first_line(cause)}") from None
            raise click.ClickException(_database_problem(cause)) from None


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _database_problem(exc: BaseException) -> str:
    where = database_location(os.environ.get("DATABASE_URL", ""))
    return f"cannot use the database at {where}: {_first_line(exc)}"


@click.group(cls=ShopGroup)
def main() -> None:
    """Shop: an e-commerce REST API."""
    configure_logging()


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply the migrations (Alembic) up to REVISION."""
    settings = _settings()
    migrations.upgrade(settings.database_url, revision)
    click.echo(f"database at {revision}")


@main.command("create-admin")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_admin(email: str, password: str) -> None:
    """Create the admin EMAIL (or promote that account and set its password)."""
    try:
        with _adapters() as adapters:
            accounts = adapters.accounts
            user = ensure_admin(accounts.uow, accounts.hasher, adapters.clock, email, password)
    except ServiceUnavailable:
        raise  # said in one line by ShopGroup, with what the driver reported
    except DomainError as exc:
        raise click.ClickException(f"{exc.detail} {getattr(exc, 'errors', '')}".strip()) from exc
    click.echo(f"admin {user.email} (id {user.id}) is ready")


@main.command("seed-demo")
@click.option(
    "--products",
    "product_count",
    type=click.IntRange(min=1),
    default=demo_seed.DEFAULT_PRODUCTS,
    show_default=True,
    help="How many products (the same first ones every time; more for benchmarks).",
)
@click.option(
    "--variants-per-product",
    type=click.IntRange(min=1, max=40),
    default=demo_seed.DEFAULT_VARIANTS_PER_PRODUCT,
    show_default=True,
    help="Variants per product, at most as many as its attribute combinations.",
)
def seed_demo(product_count: int, variants_per_product: int) -> None:
    """Add a demo catalog: categories, attributes, products and variants. Idempotent."""
    with _adapters() as adapters:
        report = demo_seed.seed_demo(
            adapters.engine, adapters.catalog.version, product_count, variants_per_product
        )
    click.echo(f"demo catalog: {report}")


@main.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def run(host: str, port: int) -> None:
    """Serve the API with Flask's development server (SHOP_ENV defaults to development)."""
    os.environ.setdefault("SHOP_ENV", DEVELOPMENT)
    app = create_app(_settings())
    click.echo(f"Shop API on http://{host}:{port}/api/v1  docs: http://{host}:{port}/swagger-ui")
    app.run(host=host, port=port, threaded=True)


@main.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queues are empty.")
def worker(burst: bool) -> None:
    """Run an RQ worker for the job queues (emails and other slow work)."""
    try:
        run_worker(_settings(), burst=burst)
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
