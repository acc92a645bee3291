"""What PostgreSQL does for one checkout: the statements of one (bench/run --checkout), and
(bench/profile_request.py --checkout --statements) what each costs.

For N checkouts in a row: each statement's calls per checkout, PostgreSQL's own mean planning
and execution time (pg_stat_statements, planning tracked), and the mean round trip the app
waited for it (SQLAlchemy's cursor events: the driver, the loopback and the server), plus the
transaction statements (BEGIN, COMMIT) that only the server's count shows.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, event
from tests.support.servers import PostgresServer

from bench.processes import BenchError
from shop.adapters.sql.engine import engines_of

STATS = "pg_stat_statements"
BUYER = {
    "full_name": "Bench Buyer",
    "email": "bench@example.com",
    "phone": "1",
    "address": {"line1": "1 Road", "city": "Town", "postal_code": "1", "country": "DE"},
}


def enable_statement_stats(pg: PostgresServer) -> None:
    """Load pg_stat_statements with planning tracked (a restart), in the shop's database."""
    pg.execute(f"ALTER SYSTEM SET shared_preload_libraries = '{STATS}'")
    pg.restart()
    pg.execute(f"ALTER SYSTEM SET {STATS}.track_planning = on")  # known once loaded
    pg.execute("SELECT pg_reload_conf()")
    pg.execute(f"CREATE EXTENSION IF NOT EXISTS {STATS}")


def _label(statement: str) -> str:
    return " ".join(statement.split())[:70]


def report_statements(
    pg: PostgresServer, engine: Engine, checkout: Callable[[], Any], count: int
) -> None:
    waited: dict[str, list[float]] = {}
    started: dict[int, float] = {}

    def before(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        started[id(cursor)] = time.perf_counter()

    def after(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        took = time.perf_counter() - started.pop(id(cursor), time.perf_counter())
        waited.setdefault(_label(statement), []).append(took)

    for each in engines_of(engine):  # and its autocommit twin (the key's claim)
        event.listen(each, "before_cursor_execute", before)
        event.listen(each, "after_cursor_execute", after)
    pg.execute(f"SELECT {STATS}_reset()")
    wall = time.perf_counter()
    for _ in range(count):
        checkout()
    wall = (time.perf_counter() - wall) / count
    for each in engines_of(engine):
        event.remove(each, "before_cursor_execute", before)
        event.remove(each, "after_cursor_execute", after)
    rows = pg.execute(
        "SELECT query, calls, total_plan_time, total_exec_time, rows "
        f"FROM {STATS} s JOIN pg_database d ON d.oid = s.dbid "
        f"WHERE d.datname = '{pg.database}' AND query NOT LIKE '%{STATS}%' "
        "ORDER BY total_plan_time + total_exec_time DESC"
    )
    print(f"{count} checkouts, {wall * 1e3:.2f} ms each in-process")
    print("PostgreSQL, per checkout (pg_stat_statements):")
    print(f"{'calls':>6} {'plan ms':>8} {'exec ms':>8}  statement")
    plan_sum = exec_sum = 0.0
    for query, calls, plan, execute, _rows in rows:
        plan_sum, exec_sum = plan_sum + plan / count, exec_sum + execute / count
        print(f"{calls / count:6.2f} {plan / count:8.3f} {execute / count:8.3f}  {_label(query)}")
    print(f"total: planning {plan_sum:.3f} ms, execution {exec_sum:.3f} ms")
    print("The app's wait per checkout for each statement (BEGIN and COMMIT not seen):")
    for label, took in sorted(waited.items(), key=lambda kv: -sum(kv[1])):
        print(f"{len(took) / count:6.2f} {sum(took) / count * 1e3:8.3f} ms  {label}")
    total = sum(map(sum, waited.values())) / count
    print(f"total: {total * 1e3:.3f} ms of the {wall * 1e3:.2f} ms")


def statements_per_checkout(env: dict[str, str]) -> int:
    """The SQL statements of one 3-line guest checkout, counted in this process."""
    code = (
        "import json,os,sys\n"
        "from sqlalchemy import event\n"
        "from shop.adapters.sql.engine import engines_of\n"
        "from shop.entrypoints.web.app import create_app\n"
        "app=create_app(); c=app.test_client(); a=app.extensions['shop']\n"
        "t=None\n"
        "for v in (1,2,3):\n"
        "  r=c.post('/api/v1/cart/items',json={'variant_id':v,'quantity':1},"
        "headers={'X-Cart-Token':t} if t else {}); t=r.headers['X-Cart-Token']\n"
        "sent=[]\n"
        "for e in engines_of(a.engine):\n"
        "  event.listen(e,'before_cursor_execute',lambda *x: sent.append(x[2]))\n"
        f"r=c.post('/api/v1/checkout',data={json.dumps(BUYER)!r},content_type='application/json',"
        "headers={'X-Cart-Token':t,'Idempotency-Key':'bench-cost'})\n"
        "assert r.status_code==201, r.data\n"
        "print(len(sent))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if out.returncode != 0:
        raise BenchError(f"counting statements failed:\n{out.stderr[-2000:]}")
    return int(out.stdout.strip().splitlines()[-1])
