"""Checkout throughput: bench/run --checkout [--seconds S] [--clients 1,16] [--lines 3].

Starts a private PostgreSQL and Redis, migrates, seeds the demo catalog (200 products x 4
variants, plenty of stock), serves the shop with gunicorn (2 workers x 8 threads), then for each
client count runs wrk with that many connections for S seconds (bench/wrk/checkout_orders.lua):
each connection fills a guest cart of LINES lines (LINES POST /cart/items, the token read from
the first answer) and checks it out (POST /checkout with an Idempotency-Key), again and again.
Reported per client count: orders/s, p50/p99 of the checkout request (timed by the script),
the HTTP requests/s, the cores kept busy by the shop's gunicorn, by wrk and by the rest (PostgreSQL,
Redis, other work), and the server's CPU per order; and the SQL statements of one checkout
(counted in-process). The ceiling is `pgbench -c 16 -j 2 -T S` (built-in TPC-B-like) on the
same PostgreSQL in the same run. Results go to bench/results/checkout-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.servers import PostgresServer, RedisServer, find_pg_bindir  # noqa: E402

from bench.backing_services import (  # noqa: E402
    backing_services,
    flush_redis,
    migrate,
    seed_catalog,
    shop_env,
)
from bench.checkout_load import checkout_orders, orders_row  # noqa: E402
from bench.gunicorn_server import ServerConfig, gunicorn  # noqa: E402
from bench.process_stats import cpu_seconds, processes  # noqa: E402
from bench.processes import LOOPBACK, BenchError, log, stop_on_signals  # noqa: E402
from bench.report_output import render_table, write_results  # noqa: E402
from bench.scaling_rounds import (  # noqa: E402
    children_cpu_seconds,
    machine_busy_seconds,
    server_cpu_seconds,
)

DATABASE = "shop"
PRODUCTS, VARIANTS = 200, 4
SERVER = ServerConfig(workers=2, threads=8)
BODY = json.dumps(
    {
        "full_name": "Bench Buyer",
        "email": "bench@example.com",
        "phone": "1",
        "address": {"line1": "1 Road", "city": "Town", "postal_code": "1", "country": "DE"},
    }
)


def backing_pids(pg: PostgresServer, redis: RedisServer) -> dict[str, list[int]]:
    """The processes of this run's PostgreSQL (postmaster and backends) and Redis."""
    postmaster = int((pg.datadir / "postmaster.pid").read_text().split()[0])
    return {
        "postgres": [postmaster, *processes(lambda ppid, _: ppid == postmaster)],
        "redis": processes(lambda _, cmd: "redis-server" in cmd and f":{redis.port}" in cmd),
    }


def drive(
    base: str,
    variant_ids: list[Any],
    clients: int,
    seconds: int,
    lines: int,
    backing: Callable[[], dict[str, list[int]]],
) -> dict[str, Any]:
    """One level: the orders' figures and the cores each party kept busy meanwhile."""
    checkout_orders(base, variant_ids, clients, 2, lines)  # warm: pools, caches, the JIT of wrk

    def cpu() -> dict[str, float]:
        return {
            "shop": server_cpu_seconds(base),
            "wrk": children_cpu_seconds(),
            "machine": machine_busy_seconds(),
            **{name: sum(map(cpu_seconds, pids)) for name, pids in backing().items()},
        }

    before, started = cpu(), time.monotonic()
    result = checkout_orders(base, variant_ids, clients, seconds, lines)
    elapsed = time.monotonic() - started
    cores = {k: (v - before[k]) / elapsed for k, v in cpu().items()}
    cores["others"] = max(0.0, cores.pop("machine") - sum(cores.values()))
    row = orders_row(result)
    per_order = row["orders_per_s"] or float("nan")
    row.update(
        clients=clients,
        lines=lines,
        cores={k: round(v, 3) for k, v in cores.items()},
        cpu_ms_per_order={k: round(1000 * v / per_order, 2) for k, v in cores.items()},
    )
    return row


def statements_per_checkout(env: dict[str, str]) -> int:
    """The SQL statements of one 3-line guest checkout, counted in this process."""
    code = (
        "import json,os,sys\n"
        "from sqlalchemy import event\n"
        "from shop.entrypoints.web.app import create_app\n"
        "app=create_app(); c=app.test_client(); a=app.extensions['shop']\n"
        "t=None\n"
        "for v in (1,2,3):\n"
        "  r=c.post('/api/v1/cart/items',json={'variant_id':v,'quantity':1},"
        "headers={'X-Cart-Token':t} if t else {}); t=r.headers['X-Cart-Token']\n"
        "sent=[]\n"
        "event.listen(a.engine,'before_cursor_execute',lambda *x: sent.append(x[2]))\n"
        f"r=c.post('/api/v1/checkout',data={BODY!r},content_type='application/json',"
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


def pgbench(pg: PostgresServer, seconds: int) -> float:
    """Transactions/s of `pgbench -c 16 -j 2 -T seconds` (TPC-B-like) on its own database."""
    pg.execute('DROP DATABASE IF EXISTS "pgbench"', database="postgres")
    pg.create_database("pgbench")
    binary = str(find_pg_bindir() / "pgbench")
    target = ["-h", LOOPBACK, "-p", str(pg.port), "-U", "postgres"]
    subprocess.run(
        [binary, "-i", "-q", "-s", "10", *target, "pgbench"],
        capture_output=True,
        check=True,
        timeout=300,
    )
    out = subprocess.run(
        [binary, "-c", "16", "-j", "2", "-T", str(int(seconds)), *target, "pgbench"],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 120,
    ).stdout
    match = re.search(r"tps = ([\d.]+)", out)
    if match is None:
        raise BenchError(f"no tps in pgbench output:\n{out}")
    return float(match.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--clients", default="1,16")
    parser.add_argument("--lines", type=int, default=3, help="lines of each guest cart")
    options = parser.parse_args()
    levels = [int(n) for n in options.clients.split(",")]
    stop_on_signals()
    load_before = os.getloadavg()
    with backing_services() as (pg, redis):
        env = shop_env(pg.url_for(DATABASE), redis.url, SHOP_LOG_LEVEL="ERROR")
        migrate(env)
        problem = seed_catalog(pg, DATABASE, env, PRODUCTS, VARIANTS, timeout=300)
        if problem:
            raise BenchError(problem)
        variant_ids = [row[0] for row in pg.execute("SELECT id FROM variants", database=DATABASE)]
        sql = statements_per_checkout(env)
        rows = []
        backing = functools.partial(backing_pids, pg, redis)  # backends come and go
        with gunicorn("shop.entrypoints.wsgi:app", env, SERVER, "/healthz", "shop") as base:
            for clients in levels:
                log(f"checkout with {clients} connection(s) for {options.seconds}s")
                rows.append(
                    drive(base, variant_ids, clients, options.seconds, options.lines, backing)
                )
                flush_redis(redis)  # the queued email jobs and carts of this level
        log(f"pgbench -c 16 -T {options.seconds}")
        tps = pgbench(pg, options.seconds)
    load_after = os.getloadavg()
    print(render_table(HEADERS, [_cells(r, tps, sql) for r in rows]))
    print(
        f"pgbench -c 16 -j 2 -T {options.seconds} (TPC-B-like): {tps:.1f} tps; "
        f"an order is {options.lines + 1} HTTP requests ({options.lines} cart adds, 1 checkout)"
    )
    before, after = (" ".join(f"{x:.2f}" for x in avg) for avg in (load_before, load_after))
    print(f"load average (1, 5, 15 min) before the run: {before}; after: {after}")
    path = write_results(
        "checkout-",
        {
            "levels": rows,
            "sql_per_checkout": sql,
            "pgbench_tps": tps,
            "load_average_before": load_before,
            "load_average_after": load_after,
        },
    )
    log(f"results written to {path}")
    return 0 if not any(r["errors"] for r in rows) else 1


HEADERS = [
    *("clients", "orders/s", "p50 ms", "p99 ms", "req/s", "x pgbench", "SQL/checkout"),
    *("CPU ms/order: shop", "postgres", "redis", "wrk", "others", "errors"),
]


def _cells(r: dict[str, Any], tps: float, sql: int) -> list[str]:
    per_order = r["cpu_ms_per_order"]
    return [
        str(r["clients"]),
        f"{r['orders_per_s']:.1f}",
        f"{r['p50_ms']:.1f}",
        f"{r['p99_ms']:.1f}",
        f"{r['requests_per_s']:.0f}",
        f"{r['orders_per_s'] / tps:.3f}",
        str(sql),
        *(f"{per_order[k]:.2f}" for k in ("shop", "postgres", "redis", "wrk", "others")),
        r["errors"] or "-",
    ]


if __name__ == "__main__":
    sys.exit(main())
