"""Server fixtures for the integration tests: real PostgreSQL and Redis (tests/support/servers.py).

The servers are session-scoped and lazy: one starts the first time a test or fixture asks for
it and is stopped when the session ends, so a run that selects no integration test starts
none. A missing server binary makes the requesting tests fail (not skip) with the apt-get
command that installs it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.servers import PostgresServer, RedisServer, start_postgres, start_redis
from tests.support.smtp_sink import SmtpSink
from tests.support.stripe_emulator import StripeEmulator


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A private PostgreSQL with an empty ``shop`` database that has pg_trgm."""
    with start_postgres() as server:
        yield server


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    """SQLAlchemy URL of the ``shop`` database: ``postgresql+psycopg2://postgres@127.0.0.1:P/shop``."""
    return postgres_server.url


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """A private redis-server without persistence."""
    with start_redis() as server:
        yield server


@pytest.fixture(scope="session")
def redis_url(redis_server: RedisServer) -> str:
    """URL of Redis database 0: ``redis://127.0.0.1:P/0``."""
    return redis_server.url


@pytest.fixture
def redis_outage(redis_server: RedisServer) -> Iterator[RedisServer]:
    """The session's Redis, for a test that kills, stops or pauses it.

    Whatever the test does, Redis is running again afterwards (on the same port, so clients
    built from ``redis_url`` reconnect), for the tests that follow.
    """
    try:
        yield redis_server
    finally:
        redis_server.resume()
        redis_server.start()


from tests.integration.apps import api, app, backend, make_app, migrated_postgres_url  # noqa: E402,F401


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpSink]:
    """A real SMTP server (aiosmtpd) on a free loopback port, for the whole session."""
    with SmtpSink() as sink:
        yield sink


@pytest.fixture
def smtp_sink(smtp_server: SmtpSink) -> Iterator[SmtpSink]:
    """The session's SMTP server, emptied, running and not stalled, whatever the test did."""
    smtp_server.clear()
    smtp_server.start()
    try:
        yield smtp_server
    finally:
        smtp_server.release()
        smtp_server.start()
        smtp_server.clear()


from tests.integration.imports_support import jobs_run, rq_worker  # noqa: E402,F401
from tests.integration.mailbox import mailbox  # noqa: E402,F401


@pytest.fixture(scope="session")
def stripe_emulator() -> Iterator[StripeEmulator]:
    """A local Stripe API (localstripe) on a free loopback port, for the whole session."""
    emulator = StripeEmulator()
    emulator.start()
    try:
        yield emulator
    finally:
        emulator.stop()
