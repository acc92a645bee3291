"""Settings come from the environment; production never runs on a default secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from shop.settings import Settings, SettingsError


def test_the_embedded_default_needs_no_server(tmp_path: Path) -> None:
    settings = Settings.from_env({"SHOP_DATA_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'shop.sqlite3'}"
    assert settings.redis_url is None
    assert settings.embedded


def test_production_without_secrets_is_a_clear_error(tmp_path: Path) -> None:
    settings = Settings.from_env({"SHOP_DATA_DIR": str(tmp_path)})
    with pytest.raises(
        SettingsError, match="SECRET_KEY and JWT_SECRET_KEY must be set when SHOP_ENV is production"
    ):
        settings.with_secrets()
    assert not (tmp_path / "development-secrets").exists()


def test_development_generates_secrets_once_and_keeps_them(tmp_path: Path) -> None:
    env = {"SHOP_ENV": "development", "SHOP_DATA_DIR": str(tmp_path)}
    first = Settings.from_env(env).with_secrets()
    second = Settings.from_env(env).with_secrets()
    assert len(first.jwt_secret_key) >= 32
    assert first.secret_key != first.jwt_secret_key
    assert (first.secret_key, first.jwt_secret_key) == (second.secret_key, second.jwt_secret_key)


def test_values_are_read_and_checked() -> None:
    settings = Settings.from_env(
        {
            "SHOP_ENV": "production",
            "SECRET_KEY": "s" * 32,
            "JWT_SECRET_KEY": "j" * 32,
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "SHOP_CURRENCY": "eur",
            "SHOP_CART_TTL": "60",
        }
    ).with_secrets()
    assert settings.currency == "EUR"
    assert settings.cart_ttl == 60
    assert not settings.embedded


@pytest.mark.parametrize(
    ("name", "value"),
    [("SHOP_CART_TTL", "soon"), ("SHOP_MAX_LINE_QUANTITY", "0"), ("SHOP_ENV", "staging")],
)
def test_bad_values_are_refused_with_their_name(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})


def test_admin_needs_both_email_and_password() -> None:
    with pytest.raises(SettingsError, match="SHOP_ADMIN_PASSWORD"):
        Settings(admin_email="boss@example.com").validate()


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgresql://u:p@db:5432/shop", "postgresql+psycopg2://u:p@db:5432/shop"),
        ("postgres://u:p@db/shop", "postgresql+psycopg2://u:p@db/shop"),
        ("postgresql+psycopg2://u@db/shop", "postgresql+psycopg2://u@db/shop"),
        ("sqlite:///var/x.sqlite3", "sqlite:///var/x.sqlite3"),
    ],
)
def test_bare_postgres_database_urls_mean_psycopg2(given: str, used: str) -> None:
    assert Settings.from_env({"DATABASE_URL": given}).database_url == used


def test_the_test_environment_needs_its_secrets_like_production(tmp_path: Path) -> None:
    settings = Settings.from_env({"SHOP_ENV": "test", "SHOP_DATA_DIR": str(tmp_path)})
    with pytest.raises(SettingsError, match="must be set when SHOP_ENV is test"):
        settings.with_secrets()
    assert not (tmp_path / "development-secrets").exists()


def test_login_failure_limits_come_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "SHOP_LOGIN_FAILURES_PER_EMAIL_AND_ADDRESS": "5 per 10 minutes",
            "SHOP_LOGIN_FAILURES_PER_EMAIL": "50 per hour",
            "SHOP_LOGIN_FAILURES_PER_ADDRESS": "20 per minute",
        }
    )
    assert settings.login_failures_per_email_and_address == "5 per 10 minutes"
    assert settings.login_failures_per_email == "50 per hour"
    assert settings.login_failures_per_address == "20 per minute"
    settings.validate()


def test_a_malformed_login_failure_limit_is_a_clear_error() -> None:
    settings = Settings.from_env({"SHOP_LOGIN_FAILURES_PER_EMAIL": "lots"})
    with pytest.raises(SettingsError, match="SHOP_LOGIN_FAILURES_PER_EMAIL must be a limit"):
        settings.validate()


def test_production_needs_an_explicit_payment_provider() -> None:
    Settings.from_env({}).validate()  # `shop db upgrade` and the like need no provider
    with pytest.raises(SettingsError, match="SHOP_PAYMENT_PROVIDER"):
        Settings.from_env({}).validate_payments()
    Settings.from_env({"SHOP_PAYMENT_PROVIDER": "test"}).validate_payments()
    assert Settings.from_env({"SHOP_ENV": "test"}).payment_gateway == "test"
    with pytest.raises(SettingsError, match="STRIPE_API_KEY"):
        Settings.from_env({"SHOP_PAYMENT_PROVIDER": "stripe"}).validate()
    with pytest.raises(SettingsError, match="test or stripe"):
        Settings.from_env({"SHOP_PAYMENT_PROVIDER": "paypal"}).validate()


def test_the_payment_window_comes_from_the_environment() -> None:
    assert Settings.from_env({}).order_payment_ttl == 3600
    assert Settings.from_env({"SHOP_ORDER_PAYMENT_TTL": "0"}).order_payment_ttl == 0


@pytest.mark.parametrize(("value", "on"), [(None, True), ("1", True), ("0", False), ("off", False)])
def test_prepared_statements_are_on_unless_switched_off(value: str | None, on: bool) -> None:
    env = {} if value is None else {"SHOP_DATABASE_PREPARED_STATEMENTS": value}
    assert Settings.from_env(env).database_prepared_statements is on
