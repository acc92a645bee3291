"""Throwaway PostgreSQL and Redis servers for the test suite.

Each server runs from the distribution's own binaries in a private temporary directory, on a
free loopback port, and lives only as long as the test session that started it::

    from tests.support.servers import start_postgres, start_redis

    pg = start_postgres()        # initdb + pg_ctl start, database "shop" with pg_trgm
    pg.url                       # postgresql+psycopg2://postgres@127.0.0.1:PORT/shop
    pg.create_database("other")  # another empty database on the same server -> its URL
    pg.stop()                    # pg_ctl stop -m fast, then remove the directory

    redis = start_redis()        # redis-server without persistence
    redis.url                    # redis://127.0.0.1:PORT/0
    redis.kill()                 # SIGKILL: an outage; the port stays reserved
    redis.start()                # back on the SAME port (and empty)
    redis.stop()

Guarantees:

* A missing binary raises :class:`ServerNotInstalledError` whose message is the exact command
  that installs it (``apt-get install -y postgresql postgresql-contrib``, ``apt-get install -y
  redis-server``). Tests that need a server therefore fail with that message: they never skip.
* Every wait is bounded by a timeout; a server that does not come up raises
  :class:`ServerError` with the tail of its log.
* Servers still running when the interpreter exits (including after an exception, Ctrl-C,
  SIGTERM or SIGHUP) are stopped by an ``atexit`` hook. Directories left behind by a process
  that was SIGKILLed are reaped, and their servers stopped, the next time a server of the same
  kind is started.
* As root, PostgreSQL (which refuses to run as root) runs as the ``postgres`` system user; as
  any other user it runs as that user.

Environment variables:

``SHOP_PG_BINDIR``
    Directory with ``initdb``, ``pg_ctl`` and ``postgres``. Default: ``pg_config --bindir``,
    then the newest ``/usr/lib/postgresql/*/bin``, then wherever ``initdb`` is on ``PATH``.
``SHOP_REDIS_SERVER``
    Path of the ``redis-server`` binary. Default: ``redis-server`` on ``PATH``.
``SHOP_TEST_TMPDIR``
    Where the servers' private directories are created. Default: the system temp directory.
"""

from __future__ import annotations

from tests.support.postgres_server import (
    PG_INSTALL_COMMAND,
    PostgresServer,
    find_pg_bindir,
    start_postgres,
)
from tests.support.processes import RunningServer, ServerError, ServerNotInstalledError, stop_all
from tests.support.redis_server import (
    REDIS_INSTALL_COMMAND,
    RedisServer,
    find_redis_server,
    start_redis,
)

__all__ = [
    "PG_INSTALL_COMMAND",
    "REDIS_INSTALL_COMMAND",
    "PostgresServer",
    "RedisServer",
    "RunningServer",
    "ServerError",
    "ServerNotInstalledError",
    "find_pg_bindir",
    "find_redis_server",
    "start_postgres",
    "start_redis",
    "stop_all",
]
