"""Reading values out of the environment: the modes, the error, and the parsers of a value."""

from __future__ import annotations

from collections.abc import Mapping

DEVELOPMENT = "development"
PRODUCTION = "production"
TEST = "test"


class SettingsError(RuntimeError):
    """The environment does not describe a runnable configuration."""


def whole_number(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}")
    return value


def switched_on(env: Mapping[str, str], name: str) -> bool:
    """A switch that is on unless set to 0, false, no or off."""
    return env.get(name, "1").strip().lower() not in {"0", "false", "no", "off"}


_POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def normalise_database_url(url: str) -> str:
    """`postgresql://` and `postgres://` (as hosting providers write them) -> psycopg2.

    SQLAlchemy 2.1 maps a bare `postgresql://` to psycopg 3 and knows no `postgres://`;
    Shop installs psycopg2.
    """
    for scheme in _POSTGRES_SCHEMES:
        if url.startswith(scheme):
            return "postgresql+psycopg2://" + url[len(scheme) :]
    return url


def log_format_from_env(env: Mapping[str, str]) -> str:
    """SHOP_LOG_FORMAT (json or text); by default text in development, json elsewhere."""
    mode = env.get("SHOP_ENV", PRODUCTION).strip().lower()
    raw = (env.get("SHOP_LOG_FORMAT") or "").strip().lower()
    if not raw:
        return "text" if mode == DEVELOPMENT else "json"
    if raw not in {"json", "text"}:
        raise SettingsError(f"SHOP_LOG_FORMAT must be json or text, not {raw!r}")
    return raw
