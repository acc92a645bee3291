"""What a checkout run cost and met: the CPU of the shop's gunicorn, PostgreSQL, Redis, wrk and
the rest of the machine (other work), in milliseconds per order; PostgreSQL's new sessions and
lock waits."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import psycopg2
from tests.support.servers import PostgresServer, RedisServer

from bench.checkout_load import orders_row
from bench.process_stats import cpu_seconds, processes
from bench.scaling_rounds import children_cpu_seconds, machine_busy_seconds, server_cpu_seconds
from bench.wrk_load import WrkResult

SESSIONS = "SELECT sessions FROM pg_stat_database WHERE datname = %s"
ACTIVITY = (  # what each active backend of the database waits for (NULL: it runs)
    "SELECT wait_event_type || ':' || wait_event, count(*) FROM pg_stat_activity "
    "WHERE datname = %s AND state = 'active' AND pid <> pg_backend_pid() GROUP BY 1"
)


def backing_cpu(pg: PostgresServer, redis: RedisServer) -> dict[str, float]:
    """CPU seconds used so far by this run's PostgreSQL (the postmaster, its live backends and
    those that exited) and Redis."""
    postmaster = int((pg.datadir / "postmaster.pid").read_text().split()[0])
    backends = processes(lambda ppid, _: ppid == postmaster)
    redis_pids = processes(lambda _, cmd: "redis-server" in cmd and f":{redis.port}" in cmd)
    return {
        "postgres": cpu_seconds(postmaster, reaped_children=True) + sum(map(cpu_seconds, backends)),
        "redis": sum(map(cpu_seconds, redis_pids)),
    }


def measured(
    label: str, base: str, run: Callable[[], WrkResult], backing: Callable[[], dict[str, float]]
) -> dict[str, Any]:
    """`run`'s orders (bench/checkout_load.orders_row) and the cores each party kept busy
    meanwhile, also as CPU milliseconds per order."""

    def cpu() -> dict[str, float]:
        return {
            "shop": server_cpu_seconds(base),
            "wrk": children_cpu_seconds(),
            "machine": machine_busy_seconds(),
            **backing(),
        }

    before, started = cpu(), time.monotonic()
    result = run()
    elapsed = time.monotonic() - started
    cores = {k: (v - before[k]) / elapsed for k, v in cpu().items()}
    cores["others"] = max(0.0, cores.pop("machine") - sum(cores.values()))
    row = orders_row(result)
    per_order = row["orders_per_s"] or float("nan")
    row.update(
        clients=label,
        cores={k: round(v, 3) for k, v in cores.items()},
        cpu_ms_per_order={k: round(1000 * v / per_order, 2) for k, v in cores.items()},
    )
    return row


def watching_postgres(
    pg: PostgresServer, database: str, run: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """`run`'s row, with what PostgreSQL saw meanwhile: the sessions (connections) opened (a
    pool smaller than the server's threads opens and closes one per request beyond its size),
    and, sampled every 0.2 s, what the shop's active backends waited for: the share waiting
    for a lock (a row's, a tuple's, a table's extension...), and each wait's share."""
    sampler = psycopg2.connect(pg.url_for(database, driver="postgresql"))
    sampler.autocommit = True
    waits: dict[str, int] = {}  # wait event ("running": none) -> backend samples
    done = threading.Event()

    def sample() -> None:
        with sampler.cursor() as cursor:
            while not done.wait(0.2):
                cursor.execute(ACTIVITY, (database,))
                for event, count in cursor.fetchall():
                    waits[event or "running"] = waits.get(event or "running", 0) + count

    def opened() -> int:
        with sampler.cursor() as cursor:
            cursor.execute(SESSIONS, (database,))
            return int(cursor.fetchone()[0])

    before = opened()
    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    try:
        row = run()
    finally:
        done.set()
        watcher.join()
    row["pg_sessions_opened"] = opened() - before
    active = sum(waits.values())
    share = {event: round(n / active, 3) for event, n in sorted(waits.items())} if active else {}
    row["pg_waits"] = share
    row["pg_lock_wait_share"] = sum(v for k, v in share.items() if k.startswith("Lock:"))
    sampler.close()
    return row
