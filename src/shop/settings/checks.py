"""The checks `Settings.validate` runs on values that parse but may not make sense."""

from __future__ import annotations

import re

from limits import parse as parse_limit

from shop.settings.environment import SettingsError

ORIGIN = re.compile(r"^https?://[^/\s?#]+$")


def check_limit(name: str, value: str) -> None:
    try:
        parse_limit(value)
    except ValueError:
        raise SettingsError(f"{name} must be a limit such as '10 per 15 minutes'") from None


def check_payment_provider(
    provider: str | None, stripe_api_key: str | None, stripe_webhook_secret: str | None
) -> None:
    if provider not in (None, "test", "stripe"):
        raise SettingsError("SHOP_PAYMENT_PROVIDER must be test or stripe")
    if provider == "stripe" and not (stripe_api_key and stripe_webhook_secret):
        raise SettingsError("the stripe provider needs STRIPE_API_KEY and STRIPE_WEBHOOK_SECRET")


def check_cors_origins(origins: tuple[str, ...]) -> None:
    if "*" in origins and len(origins) > 1:
        raise SettingsError("SHOP_CORS_ORIGINS is either * or a list of origins, not both")
    for origin in origins:
        if origin != "*" and not ORIGIN.match(origin):
            raise SettingsError(
                f"SHOP_CORS_ORIGINS: {origin!r} is not an origin such as https://shop.example.com"
            )
