"""Checkout throughput: bench/run --checkout [--seconds S] [--clients 1,16] [--lines 3].

Starts a private PostgreSQL and Redis, migrates, seeds the demo catalog (200 products x 4
variants, plenty of stock), serves the shop with gunicorn (2 workers x 4 threads, the serving
default), then for each client count runs wrk with that many connections for S seconds
(bench/wrk/checkout_orders.lua): each connection fills a guest cart of LINES lines (LINES POST
/cart/items, the token read from the first answer) and checks it out (POST /checkout with an
Idempotency-Key), again and again. Then, at the last client count, checkouts alone of carts
filled beforehand by wrk (checkout_prefilled.lua). Reported per row: orders/s, p50/p99 of the
checkout request (timed by the script), the HTTP requests/s, the CPU milliseconds per order of
the shop's gunicorn, PostgreSQL, Redis, wrk and the rest of the machine (other work), the
PostgreSQL sessions opened, and the SQL statements of one checkout (counted in-process). The
ceiling is `pgbench -c 16 -j 2 -T S` (built-in TPC-B-like) on the same PostgreSQL in the same
run. Results go to bench/results/checkout-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.servers import PostgresServer, find_pg_bindir  # noqa: E402

from bench.backing_services import (  # noqa: E402
    backing_services,
    flush_redis,
    migrate,
    seed_catalog,
    shop_env,
)
from bench.checkout_load import (  # noqa: E402
    checkout_orders,
    checkout_prefilled,
    fill_carts,
)
from bench.checkout_statements import statements_per_checkout  # noqa: E402
from bench.checkout_watch import backing_cpu, measured, watching_postgres  # noqa: E402
from bench.gunicorn_server import ServerConfig, gunicorn  # noqa: E402
from bench.processes import LOOPBACK, BenchError, log, stop_on_signals  # noqa: E402
from bench.report_output import render_table, write_results  # noqa: E402
from bench.wrk_load import LoadConfig, WrkResult  # noqa: E402

DATABASE = "shop"
PRODUCTS, VARIANTS = 200, 4


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


def only_checkouts(
    base: str,
    variant_ids: list[Any],
    last: dict[str, Any],
    options: argparse.Namespace,
    backing: Callable[[], dict[str, float]],
) -> dict[str, Any]:
    """Checkouts alone at the last level's client count, of carts filled by wrk beforehand
    (enough for three times the orders/s of that level's loop)."""
    clients = int(last["clients"])
    load = LoadConfig(options.seconds, clients, min(2, clients), 0)
    carts = max(200, int(3 * last["orders_per_s"] * options.seconds))
    with tempfile.TemporaryDirectory(prefix="shop-bench-carts-") as directory:
        log(f"filling {carts} guest carts of {options.lines} lines")
        filled = fill_carts(base, variant_ids, load, options.lines, carts, Path(directory))
        log(f"checkouts only, {clients} connection(s), {options.seconds}s, {filled} carts")
        row = measured(
            f"{clients}, checkouts only",
            base,
            lambda: checkout_prefilled(base, load, Path(directory)),
            backing,
        )
    if "ran_out" in row["statuses"]:
        row["errors"] = "the carts ran out: a lower bound"
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--clients", default="1,16")
    parser.add_argument("--lines", type=int, default=3, help="lines of each guest cart")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--threads",
        type=int,
        default=4,
        help="gunicorn threads per worker (the serving default; above 5, the pool of 5 idle "
        "connections opens and closes one per request for the others)",
    )
    parser.add_argument(
        "--no-checkout-only",
        dest="checkout_only",
        action="store_false",
        help="skip the checkouts of carts filled beforehand (at the last client count)",
    )
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
        backing = functools.partial(backing_cpu, pg, redis)
        server = ServerConfig(workers=options.workers, threads=options.threads)
        with gunicorn("shop.entrypoints.wsgi:app", env, server, "/healthz", "shop") as base:
            for clients in levels:
                log(f"checkout with {clients} connection(s) for {options.seconds}s")
                checkout_orders(base, variant_ids, clients, 2, options.lines)  # warm-up

                def loop(n: int = clients) -> WrkResult:
                    return checkout_orders(base, variant_ids, n, options.seconds, options.lines)

                rows.append(
                    watching_postgres(
                        pg, DATABASE, functools.partial(measured, str(clients), base, loop, backing)
                    )
                )
                flush_redis(redis)  # the queued email jobs and carts of this level
            if options.checkout_only and rows:
                last = rows[-1]
                rows.append(
                    watching_postgres(
                        pg,
                        DATABASE,
                        lambda: only_checkouts(base, variant_ids, last, options, backing),
                    )
                )
                flush_redis(redis)
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
    *("CPU ms/order: shop", "postgres", "redis", "wrk", "others"),
    *("PG sessions", "lock waits", "errors"),
]


def _cells(r: dict[str, Any], tps: float, sql: int) -> list[str]:
    per_order = r["cpu_ms_per_order"]
    return [
        r["clients"],
        f"{r['orders_per_s']:.1f}",
        f"{r['p50_ms']:.1f}",
        f"{r['p99_ms']:.1f}",
        f"{r['requests_per_s']:.0f}",
        f"{r['orders_per_s'] / tps:.3f}",
        str(sql),
        *(f"{per_order[k]:.2f}" for k in ("shop", "postgres", "redis", "wrk", "others")),
        str(r["pg_sessions_opened"]),
        f"{r['pg_lock_wait_share']:.0%}",
        r["errors"] or "-",
    ]


if __name__ == "__main__":
    sys.exit(main())
