"""Counting the statements PostgreSQL itself receives, from its statement log.

SQLAlchemy's events see what the ORM and Core execute, not what the driver adds (psycopg2's
implicit BEGIN, the pool's ROLLBACK on check-in), and every one of those is a round trip.
`received(engine, server)` turns `log_statement=all` on for the connections the engine (and its
read-only twin) opens meanwhile (their pools are emptied first and after) and reads back what
the server logged.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg2
from sqlalchemy import Engine, event

from shop.adapters.sql.engine import dispose, engines_of
from tests.support.servers import PostgresServer

LOGGED = "-c log_statement=all"
STATEMENT = re.compile(r"LOG:  statement: (.*)")
LOG_WAIT_SECONDS = 10.0


@contextmanager
def received(engine: Engine, server: PostgresServer) -> Iterator[list[str]]:
    """The statements (first lines) the server received from `engine` inside the block."""
    seen: list[str] = []

    def logged(_dialect: Any, _record: Any, _cargs: Any, cparams: dict[str, Any]) -> None:
        cparams["options"] = f"{cparams.get('options', '')} {LOGGED}".strip()

    engines = engines_of(engine)
    dispose(engine)
    start = server.logfile.stat().st_size
    for each in engines:
        event.listen(each, "do_connect", logged)
    try:
        yield seen
    finally:
        for each in engines:
            event.remove(each, "do_connect", logged)
        dispose(engine)
    seen.extend(_logged_since(server, start))


def _logged_since(server: PostgresServer, start: int) -> list[str]:
    """What was logged from byte `start` up to a sentinel statement sent now, which the
    server logs after everything sent before it."""
    sentinel = f"SELECT 'end-of-count-{uuid.uuid4().hex}'"
    connection = psycopg2.connect(server.url_for("postgres", driver="postgresql"), options=LOGGED)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(sentinel)
    finally:
        connection.close()
    deadline = time.monotonic() + LOG_WAIT_SECONDS
    while True:
        with server.logfile.open("rb") as log:
            log.seek(start)
            text = log.read().decode("utf-8", "replace")
        statements = STATEMENT.findall(text)
        if sentinel in statements:
            return statements[: statements.index(sentinel)]
        if time.monotonic() > deadline:
            raise AssertionError(f"the server did not log {sentinel!r}:\n{text[-2000:]}")
        time.sleep(0.02)
