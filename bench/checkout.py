"""Checkout throughput: bench/run --checkout [--seconds S] [--clients 1,16].

Starts a private PostgreSQL and Redis, migrates, seeds the demo catalog (200 products x 4
variants, plenty of stock), serves the shop with gunicorn (2 workers x 8 threads), then for each
client count runs that many client processes for S seconds; each client fills its own 3-line
guest cart (three POST /cart/items) and checks out, again and again. Reported per client count:
orders/s, p50/p99 of the checkout request, and the SQL statements of one 3-line checkout
(counted in-process). The ceiling is `pgbench -c 16 -j 2 -T S` (built-in TPC-B-like) on the
same PostgreSQL in the same run. Results go to bench/results/checkout-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import random
import re
import subprocess
import sys
import time
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
from bench.gunicorn_server import ServerConfig, gunicorn  # noqa: E402
from bench.processes import LOOPBACK, BenchError, log, stop_on_signals  # noqa: E402
from bench.report_output import render_table, write_results  # noqa: E402

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


def _request(
    conn: http.client.HTTPConnection, path: str, body: str, headers: dict[str, str]
) -> tuple[int, dict[str, str], bytes]:
    conn.request("POST", path, body=body, headers={"Content-Type": "application/json", **headers})
    response = conn.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def client(args: tuple[str, list[int], float, int, int]) -> dict[str, Any]:
    """One client: a cart of `lines` variants, checkout, repeat until `deadline` (a process of
    its own); only the checkout request is timed."""
    base, variant_ids, deadline, seed, lines = args
    rng = random.Random(seed)
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    latencies: list[float] = []
    errors: dict[str, int] = {}
    while time.time() < deadline:
        token: str | None = None
        for variant_id in rng.sample(variant_ids, lines):
            headers = {"X-Cart-Token": token} if token else {}
            item = json.dumps({"variant_id": variant_id, "quantity": 1})
            status, response_headers, _ = _request(conn, "/api/v1/cart/items", item, headers)
            if status != 200:
                errors[f"cart {status}"] = errors.get(f"cart {status}", 0) + 1
            token = response_headers.get("X-Cart-Token", token)
        started = time.perf_counter()
        status, _, _ = _request(conn, "/api/v1/checkout", BODY, {"X-Cart-Token": token or ""})
        if status == 201:
            latencies.append(time.perf_counter() - started)
        else:
            errors[f"checkout {status}"] = errors.get(f"checkout {status}", 0) + 1
    conn.close()
    return {"latencies": latencies, "errors": errors}


def drive(
    base: str, variant_ids: list[int], clients: int, seconds: float, lines: int = 3
) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    with context.Pool(clients) as pool:
        pool.map(time.sleep, [0.0] * clients)  # the processes are up before the clock starts
        deadline = time.time() + seconds
        started = time.time()
        work = [(base, variant_ids, deadline, n, lines) for n in range(clients)]
        results = pool.map(client, work)
    elapsed = time.time() - started
    latencies = sorted(x for r in results for x in r["latencies"])
    errors: dict[str, int] = {}
    for r in results:
        for kind, count in r["errors"].items():
            errors[kind] = errors.get(kind, 0) + count

    def pct(p: float) -> float:
        return (
            latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else 0
        )

    return {
        "clients": clients,
        "orders": len(latencies),
        "orders_per_s": len(latencies) / elapsed,
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "errors": errors,
    }


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


def pgbench(pg: PostgresServer, seconds: float) -> float:
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
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", default="1,16")
    options = parser.parse_args()
    levels = [int(n) for n in options.clients.split(",")]
    stop_on_signals()
    with backing_services() as (pg, redis):
        env = shop_env(pg.url_for(DATABASE), redis.url, SHOP_LOG_LEVEL="ERROR")
        migrate(env)
        problem = seed_catalog(pg, DATABASE, env, PRODUCTS, VARIANTS, timeout=300)
        if problem:
            raise BenchError(problem)
        variant_ids = [row[0] for row in pg.execute("SELECT id FROM variants", database=DATABASE)]
        sql = statements_per_checkout(env)
        rows = []
        with gunicorn("shop.entrypoints.wsgi:app", env, SERVER, "/healthz", "shop") as base:
            for clients in levels:
                log(f"checkout with {clients} client(s) for {options.seconds:g}s")
                rows.append(drive(base, variant_ids, clients, options.seconds))
                flush_redis(redis)  # the queued email jobs and carts of this level
        log(f"pgbench -c 16 -T {options.seconds:g}")
        tps = pgbench(pg, options.seconds)
    table = [
        [
            str(r["clients"]),
            f"{r['orders_per_s']:.1f}",
            f"{r['p50_ms']:.1f}",
            f"{r['p99_ms']:.1f}",
            str(sql),
            f"{r['orders_per_s'] / tps:.3f}",
            json.dumps(r["errors"]) if r["errors"] else "-",
        ]
        for r in rows
    ]
    print(
        render_table(
            ["clients", "orders/s", "p50 ms", "p99 ms", "SQL/checkout", "x pgbench tps", "errors"],
            table,
        )
    )
    print(f"pgbench -c 16 -j 2 -T {options.seconds:g} (TPC-B-like): {tps:.1f} tps")
    path = write_results("checkout-", {"levels": rows, "sql_per_checkout": sql, "pgbench_tps": tps})
    log(f"results written to {path}")
    return 0 if not any(r["errors"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
