"""Settings, read once from the environment (see the README's settings table)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from shop.settings.checks import (
    ORIGIN,
    check_cors_origins,
    check_limit,
    check_payment_provider,
)
from shop.settings.development_secrets import development_secrets
from shop.settings.environment import (
    DEVELOPMENT,
    PRODUCTION,
    TEST,
    SettingsError,
    log_format_from_env,
    normalise_database_url,
    switched_on,
    whole_number,
)

__all__ = [
    "DEVELOPMENT",
    "LOGIN_LIMIT_VARIABLES",
    "PRODUCTION",
    "TEST",
    "Settings",
    "SettingsError",
    "log_format_from_env",
    "normalise_database_url",
]

LOGIN_LIMIT_VARIABLES = {
    "login_failures_per_email_and_address": "SHOP_LOGIN_FAILURES_PER_EMAIL_AND_ADDRESS",
    "login_failures_per_email": "SHOP_LOGIN_FAILURES_PER_EMAIL",
    "login_failures_per_address": "SHOP_LOGIN_FAILURES_PER_ADDRESS",
}


@dataclass(frozen=True)
class Settings:
    env: str = PRODUCTION
    database_url: str = ""
    redis_url: str | None = None
    secret_key: str = ""
    jwt_secret_key: str = ""
    smtp_url: str | None = None
    currency: str = "USD"
    cart_ttl: int = 7 * 24 * 3600
    max_line_quantity: int = 99
    stock_staleness: int = 30
    admin_email: str | None = None
    admin_password: str | None = None
    rate_limit: str | None = None
    access_token_ttl: int = 15 * 60
    refresh_token_ttl: int = 30 * 24 * 3600
    login_failures_per_email_and_address: str = "10 per 15 minutes"
    login_failures_per_email: str = "100 per 15 minutes"
    login_failures_per_address: str = "100 per minute"
    proxy_hops: int = 0
    data_dir: Path = field(default_factory=lambda: Path("var"))
    cheap_password_hashing: bool = False
    cache_enabled: bool = True
    database_prepared_statements: bool = True  # PostgreSQL; off behind transaction pooling
    mail_from: str = "orders@shop.localhost"
    outbox_max_attempts: int = 8
    metrics_token: str | None = None
    log_format: str = "json"
    cors_origins: tuple[str, ...] = ()
    admin_idle_timeout: int = 30 * 60  # seconds a console session lives without a request
    # Accounts: links in emails, verification, request limits (see the README).
    public_url: str = "http://localhost:8000"
    require_email_verification: bool = False
    password_resets_per_email: str = "5 per hour"
    password_resets_per_address: str = "30 per hour"
    import_max_bytes: int = 50 * 1024 * 1024  # the largest catalog CSV an import accepts
    import_stall_seconds: int = 120  # a running import silent this long has lost its worker
    payment_provider: str | None = None  # None: `test`, except in production (refused)
    stripe_api_key: str | None = None
    stripe_webhook_secret: str | None = None
    stripe_api_base: str | None = None
    order_payment_ttl: int = 3600

    @property
    def payment_gateway(self) -> str:
        """The payment provider in use (`test` when unset, outside production)."""
        return self.payment_provider or "test"

    @property
    def embedded(self) -> bool:
        return self.redis_url is None

    def with_overrides(self, **changes: Any) -> Settings:
        return replace(self, **changes)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        mode = env.get("SHOP_ENV", PRODUCTION).strip().lower()
        if mode not in {DEVELOPMENT, PRODUCTION, TEST}:
            raise SettingsError(f"SHOP_ENV must be development, production or test, not {mode!r}")
        data_dir = Path(env.get("SHOP_DATA_DIR", "var")).resolve()
        settings = cls(
            env=mode,
            database_url=normalise_database_url(
                env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'shop.sqlite3'}"
            ),
            redis_url=env.get("REDIS_URL") or None,
            secret_key=env.get("SECRET_KEY", ""),
            jwt_secret_key=env.get("JWT_SECRET_KEY", ""),
            smtp_url=env.get("SMTP_URL") or None,
            currency=env.get("SHOP_CURRENCY", "USD").strip().upper(),
            cart_ttl=whole_number(env, "SHOP_CART_TTL", 7 * 24 * 3600, minimum=1),
            max_line_quantity=whole_number(env, "SHOP_MAX_LINE_QUANTITY", 99, minimum=1),
            stock_staleness=whole_number(env, "SHOP_STOCK_STALENESS", 30, minimum=1),
            admin_email=env.get("SHOP_ADMIN_EMAIL") or None,
            admin_password=env.get("SHOP_ADMIN_PASSWORD") or None,
            rate_limit=env.get("SHOP_RATE_LIMIT") or None,
            access_token_ttl=whole_number(env, "SHOP_ACCESS_TOKEN_TTL", 15 * 60, minimum=1),
            refresh_token_ttl=whole_number(
                env, "SHOP_REFRESH_TOKEN_TTL", 30 * 24 * 3600, minimum=1
            ),
            login_failures_per_email_and_address=env.get(
                "SHOP_LOGIN_FAILURES_PER_EMAIL_AND_ADDRESS",
                cls.login_failures_per_email_and_address,
            ),
            login_failures_per_email=env.get(
                "SHOP_LOGIN_FAILURES_PER_EMAIL", cls.login_failures_per_email
            ),
            login_failures_per_address=env.get(
                "SHOP_LOGIN_FAILURES_PER_ADDRESS", cls.login_failures_per_address
            ),
            proxy_hops=whole_number(env, "SHOP_PROXY_HOPS", 0),
            data_dir=data_dir,
            cache_enabled=switched_on(env, "SHOP_CACHE_ENABLED"),
            database_prepared_statements=switched_on(env, "SHOP_DATABASE_PREPARED_STATEMENTS"),
            mail_from=env.get("SHOP_MAIL_FROM") or "orders@shop.localhost",
            outbox_max_attempts=whole_number(env, "SHOP_OUTBOX_MAX_ATTEMPTS", 8, minimum=1),
            metrics_token=env.get("SHOP_METRICS_TOKEN") or None,
            log_format=log_format_from_env(env),
            cors_origins=tuple(env.get("SHOP_CORS_ORIGINS", "").replace(",", " ").split()),
            admin_idle_timeout=whole_number(env, "SHOP_ADMIN_IDLE_TIMEOUT", 30 * 60, minimum=60),
            public_url=env.get("SHOP_PUBLIC_URL") or cls.public_url,
            require_email_verification=env.get("SHOP_REQUIRE_EMAIL_VERIFICATION", "0")
            .strip()
            .lower()
            in {"1", "true", "yes", "on"},
            password_resets_per_email=env.get("SHOP_PASSWORD_RESETS_PER_EMAIL")
            or cls.password_resets_per_email,
            password_resets_per_address=env.get("SHOP_PASSWORD_RESETS_PER_ADDRESS")
            or cls.password_resets_per_address,
            import_max_bytes=whole_number(
                env, "SHOP_IMPORT_MAX_BYTES", 50 * 1024 * 1024, minimum=1
            ),
            import_stall_seconds=whole_number(env, "SHOP_IMPORT_STALL_SECONDS", 120, minimum=1),
            payment_provider=(env.get("SHOP_PAYMENT_PROVIDER") or "").strip().lower() or None,
            stripe_api_key=env.get("STRIPE_API_KEY") or None,
            stripe_webhook_secret=env.get("STRIPE_WEBHOOK_SECRET") or None,
            stripe_api_base=env.get("STRIPE_API_BASE") or None,
            order_payment_ttl=whole_number(env, "SHOP_ORDER_PAYMENT_TTL", 3600),
        )
        limits: dict[str, Any] = {
            f: env[name] for f, name in LOGIN_LIMIT_VARIABLES.items() if env.get(name)
        }
        return replace(settings, **limits)

    def with_secrets(self) -> Settings:
        """Fill missing secrets in development only; elsewhere a missing secret is an error."""
        if self.secret_key and self.jwt_secret_key:
            return self
        if self.env != DEVELOPMENT:
            missing = [
                n
                for n, v in (
                    ("SECRET_KEY", self.secret_key),
                    ("JWT_SECRET_KEY", self.jwt_secret_key),
                )
                if not v
            ]
            raise SettingsError(
                f"{' and '.join(missing)} must be set when SHOP_ENV is {self.env} "
                "(or set SHOP_ENV=development for a local trial)."
            )
        stored = development_secrets(self.data_dir)
        return replace(
            self,
            secret_key=self.secret_key or stored["secret_key"],
            jwt_secret_key=self.jwt_secret_key or stored["jwt_secret_key"],
        )

    def validate(self) -> None:
        if len(self.currency) != 3 or not self.currency.isalpha():
            raise SettingsError("SHOP_CURRENCY must be an ISO 4217 code such as USD")
        check_cors_origins(self.cors_origins)
        for name, value in (
            (
                "SHOP_LOGIN_FAILURES_PER_EMAIL_AND_ADDRESS",
                self.login_failures_per_email_and_address,
            ),
            ("SHOP_LOGIN_FAILURES_PER_EMAIL", self.login_failures_per_email),
            ("SHOP_LOGIN_FAILURES_PER_ADDRESS", self.login_failures_per_address),
            ("SHOP_PASSWORD_RESETS_PER_EMAIL", self.password_resets_per_email),
            ("SHOP_PASSWORD_RESETS_PER_ADDRESS", self.password_resets_per_address),
        ):
            check_limit(name, value)
        if not ORIGIN.match(self.public_url.rstrip("/")):
            raise SettingsError("SHOP_PUBLIC_URL must be a URL such as https://shop.example.com")
        if bool(self.admin_email) != bool(self.admin_password):
            raise SettingsError("set both SHOP_ADMIN_EMAIL and SHOP_ADMIN_PASSWORD, or neither")
        check_payment_provider(
            self.payment_provider, self.stripe_api_key, self.stripe_webhook_secret
        )

    def validate_payments(self) -> None:
        """What the processes that take or refund money (the API, the worker) check at start:
        in production the provider must be chosen explicitly."""
        if self.payment_provider is None and self.env == PRODUCTION:
            raise SettingsError(
                "set SHOP_PAYMENT_PROVIDER (stripe, or test to take no real money) in production"
            )
