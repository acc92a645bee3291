"""Engines for PostgreSQL (production) and SQLite (the embedded default).

A database that does not answer (refused or lost connections, timeouts, an exhausted pool)
surfaces as ServiceUnavailable, from the engine's error hook and from `connect`, so that no
layer above the adapters needs to know the driver's exceptions.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session, sessionmaker

from shop.adapters.sql.prepared import GENERIC_PLANS, prepare_statements
from shop.services.common import ServiceUnavailable
from shop.settings import normalise_database_url

CONNECT_TIMEOUT_SECONDS = 2
DATABASE = "database"
# What a database that does not answer raises (a lost connection is also flagged by the
# dialect as a disconnect, whatever its class).
DATABASE_DOWN: tuple[type[Exception], ...] = (OperationalError, InterfaceError, PoolTimeoutError)


def make_engine(url: str, *, pool_size: int = 10, prepared_statements: bool = True) -> Engine:
    """An engine that fails fast when the database is down, so the API can answer 503
    (with, on PostgreSQL, a read-only twin: see `autocommit`, which prepares the statements
    marked for it unless `prepared_statements` is off: see `prepared`)."""
    url = normalise_database_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    connect_args: dict[str, Any] = {
        "connect_timeout": CONNECT_TIMEOUT_SECONDS,
        "keepalives": 1,
        "keepalives_idle": 5,
        "keepalives_interval": 2,
        "keepalives_count": 2,
        "application_name": "shop",
    }
    if "gssencmode" not in parsed.query:
        # libpq's default (prefer) asks Kerberos for credentials on every connect, loading
        # and initialising its libraries in each process (0.8 MB), for servers that nearly
        # never offer GSSAPI encryption; a URL's own `?gssencmode=` is kept.
        connect_args["gssencmode"] = "disable"
    # Each of the two pools (the engine's and its read-only twin's) keeps up to pool_size
    # connections, opened as threads first need them and then kept: no overflow, whose
    # connections are closed at every check-in, so that a server with more threads than a
    # pool's kept connections opened a new one for nearly every request.
    options: dict[str, Any] = {
        "pool_size": pool_size,
        "max_overflow": 0,
        "pool_timeout": CONNECT_TIMEOUT_SECONDS,
        "pool_pre_ping": False,
        "pool_recycle": 1800,
        "connect_args": connect_args,
    }
    engine = _failing_as_unavailable(create_engine(url, **options))
    # Opens no connection until a read asks for one.
    if prepared_statements:
        options = {**options, "connect_args": {**connect_args, "options": GENERIC_PLANS}}
    reads = create_engine(url, isolation_level="AUTOCOMMIT", **options)
    if prepared_statements:
        prepare_statements(reads)
    _READ_ENGINES[engine] = _failing_as_unavailable(reads)
    return engine


def _sqlite_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 15, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return _failing_as_unavailable(engine)


RETRYABLE_SQLSTATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected


def is_retryable(exc: BaseException | None) -> bool:
    """Did PostgreSQL abort the transaction only to stay serialisable (worth another try)?"""
    original = exc.orig if isinstance(exc, DBAPIError) else exc
    return getattr(original, "pgcode", None) in RETRYABLE_SQLSTATES


def _failing_as_unavailable(engine: Engine) -> Engine:
    @event.listens_for(engine, "handle_error")
    def _unavailable(context: ExceptionContext) -> None:
        if is_retryable(context.original_exception):
            return  # the database is up; the unit of work lets the use case try again
        if context.is_disconnect or isinstance(context.sqlalchemy_exception, DATABASE_DOWN):
            raise ServiceUnavailable(DATABASE) from context.original_exception

    return engine


# Each PostgreSQL engine's twin for read-only paths (see `autocommit`).
_READ_ENGINES: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


def autocommit(engine: Engine) -> Engine:
    """`engine` running each statement on its own, outside a transaction: for read-only
    paths, where BEGIN and ROLLBACK would double the round trips of a read, and for a write
    that is one statement in a transaction of its own (the checkout's Idempotency-Key claim).

    On PostgreSQL, a twin engine whose pool's connections stay in autocommit: switching a
    shared pool's connection there and back costs psycopg2 a `SET default_transaction_
    isolation` round trip at every check-in. SQLite switches the connection itself (no
    network, nothing to save).
    """
    return _READ_ENGINES.get(engine) or engine.execution_options(isolation_level="AUTOCOMMIT")


def engines_of(engine: Engine) -> list[Engine]:
    """`engine` and its read-only twin, if it has one: every pool that talks for it."""
    twin = _READ_ENGINES.get(engine)
    return [engine] if twin is None else [engine, twin]


def dispose(engine: Engine) -> None:
    """Close every pooled connection of `engine` and of its read-only twin."""
    for each in engines_of(engine):
        each.dispose()


@contextmanager
def connect(engine: Engine) -> Iterator[Connection]:
    """`engine.connect()`, with a pool that has no connection to give within its timeout
    (the one failure the error hook does not see) raised as ServiceUnavailable."""
    with unavailable_when_down(), engine.connect() as connection:
        yield connection


@contextmanager
def unavailable_when_down() -> Iterator[None]:
    try:
        yield
    except DATABASE_DOWN as exc:
        raise ServiceUnavailable(DATABASE) from exc


def ping_database(engine: Engine) -> None:
    """Raise unless the database answers a trivial query, through each of the engine's pools
    (a failed ping also retires that pool's connections from before an outage)."""
    for each in engines_of(engine):
        with connect(each) as connection:
            connection.execute(text("SELECT 1"))


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)
