"""Who spent the CPU of a checkout run: the shop's gunicorn, PostgreSQL, Redis, wrk, and the
rest of the machine (other work), in milliseconds per order."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from tests.support.servers import PostgresServer, RedisServer

from bench.checkout_load import orders_row
from bench.process_stats import cpu_seconds, processes
from bench.scaling_rounds import children_cpu_seconds, machine_busy_seconds, server_cpu_seconds
from bench.wrk_load import WrkResult


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
