"""Server-side prepared statements for the few hot read statements, on PostgreSQL.

psycopg2 sends each statement as text, which PostgreSQL parses and plans every time; for a
product's variants and the cart's variant lookup the planning took longer than the run
(EXPLAIN ANALYZE: 0.28 ms planned, 0.08 ms run). A statement marked with `prepared()` is sent
as `EXECUTE` of a statement `PREPARE`d once on each pooled connection (the names prepared are
kept in the connection's `info`, which lives as long as the DBAPI connection), and planned
once: the sessions use its generic plan at once (GENERIC_PLANS). So a marked statement must
have one good plan for all its parameter values; constants that steer the plan (a page
size, a LIMIT) are written into its text. Results are read as before: EXECUTE returns the
same columns.

Only the read-only engine (autocommit) prepares: a failed PREPARE aborts no transaction.
Mark only lookups whose plan does not depend on the values (by id, the unfiltered list):
a search pattern's or a price range's plan does. Prepared statements live in
a server session, so they break behind pgbouncer's transaction pooling:
SHOP_DATABASE_PREPARED_STATEMENTS=0 turns them off.

A prepared statement outlives what it was planned for when the schema changes under a
running server (a migration changing a selected column's type: "cached plan must not change
result type"), or when something else cleared the session's statements. Such a failure
invalidates the pool, as a lost connection would: that read is answered 503 (Retry-After)
and the next ones prepare again on fresh connections.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import ExceptionContext, ExecutionContext
from sqlalchemy.sql.base import Executable

OPTION = "shop_prepared"
# The read-only engine's sessions plan a prepared statement once, not with each EXECUTE's
# values (PostgreSQL's default would keep planning `id = ANY($1)` anew: its generic plan is
# costed for more ids than a cart has). It concerns prepared statements only, which are ours.
GENERIC_PLANS = "-c plan_cache_mode=force_generic_plan"
_NAMES = "shop_prepared_names"
# A connection holds at most this many (a catalog's statements are a handful; past this,
# statements are sent as text).
MAX_PER_CONNECTION = 64
_PARAMETER = re.compile(r"%\((\w+)\)s|%%")
# invalid_sql_statement_name (the session lost it), feature_not_supported (the cached plan
# no longer matches the tables).
STALE_SQLSTATES = {"26000", "0A000"}

E = TypeVar("E", bound=Executable)


def prepared(statement: E) -> E:
    """`statement`, sent as a prepared statement where the engine prepares them."""
    return statement.execution_options(**{OPTION: True})


def prepare_statements(engine: Engine) -> None:
    """Make `engine` (PostgreSQL, psycopg2, autocommit) prepare the statements so marked."""

    @event.listens_for(engine, "before_cursor_execute", retval=True)
    def _as_execute(
        conn: Connection,
        cursor: Any,
        statement: str,
        parameters: Any,
        context: ExecutionContext | None,
        executemany: bool,
    ) -> tuple[str, Any]:
        if executemany or context is None or not context.execution_options.get(OPTION):
            return statement, parameters
        if not isinstance(parameters, dict):
            return statement, parameters
        name, prepare, execute = forms(statement)
        names: set[str] = conn.info.setdefault(_NAMES, set())
        if name not in names:
            if len(names) >= MAX_PER_CONNECTION:
                return statement, parameters
            cursor.execute(prepare)
            names.add(name)
        return execute, parameters

    @event.listens_for(engine, "handle_error")
    def _stale(context: ExceptionContext) -> None:
        if is_stale_statement(context):
            context.is_disconnect = True  # these connections' statements are all suspect


def is_stale_statement(context: ExceptionContext) -> bool:
    """Did an EXECUTE of ours fail because its prepared statement is gone or out of date?"""
    statement = context.statement or ""
    code = getattr(context.original_exception, "pgcode", None)
    return statement.startswith("EXECUTE shop_") and code in STALE_SQLSTATES


@lru_cache(maxsize=256)
def forms(statement: str) -> tuple[str, str, str]:
    """The name, the PREPARE and the EXECUTE (pyformat, for the same parameters) of a
    psycopg2 statement: each `%(name)s` becomes `$n` (one per distinct name), `%%` `%`."""
    order: dict[str, int] = {}

    def numbered(match: re.Match[str]) -> str:
        parameter = match.group(1)
        if parameter is None:
            return "%"
        return f"${order.setdefault(parameter, len(order) + 1)}"

    body = _PARAMETER.sub(numbered, statement)
    name = "shop_" + hashlib.blake2b(statement.encode(), digest_size=8).hexdigest()
    arguments = ", ".join(f"%({parameter})s" for parameter in order)
    execute = f"EXECUTE {name} ({arguments})" if order else f"EXECUTE {name}"
    return name, f"PREPARE {name} AS {body}", execute
