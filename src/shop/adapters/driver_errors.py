"""What the `shop` command needs to know of the drivers: which errors mean the database or
Redis cannot be used, and where the database is (its URL without the password)."""

from __future__ import annotations

from redis.exceptions import RedisError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from shop.settings import normalise_database_url

# ImportError: a URL naming a driver that is not installed.
DATABASE_ERRORS: tuple[type[Exception], ...] = (SQLAlchemyError, ImportError)
REDIS_ERRORS: tuple[type[Exception], ...] = (RedisError,)


def database_location(raw_url: str) -> str:
    """The database URL fit for a message: the password hidden, or a plain name if unparsable."""
    try:
        return make_url(normalise_database_url(raw_url)).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "DATABASE_URL" if raw_url else "the database"
