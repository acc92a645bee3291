"""Guest orders driven by wrk (bench/wrk/checkout_orders.lua): carts filled and checked out in
a loop by each connection, the checkouts timed by the script itself."""

from __future__ import annotations

import json
from typing import Any

from bench.wrk_load import LoadConfig, WrkResult, run_wrk

SCRIPT = "checkout_orders.lua"


def checkout_orders(
    base: str, variant_ids: list[Any], clients: int, seconds: int, lines: int, warmup: int = 0
) -> WrkResult:
    """wrk's checkout_orders.lua with `clients` connections: guest carts filled and checked
    out in a loop (orders are the 201s; `timed` has the checkout latencies)."""
    load = LoadConfig(duration=seconds, connections=clients, threads=min(2, clients), warmup=0)
    args = [str(lines), *(json.dumps(v) for v in variant_ids)]
    url = base + "/api/v1/checkout"
    if warmup:
        run_wrk(url, load, SCRIPT, args, duration=warmup)
    return run_wrk(url, load, SCRIPT, args)


def orders_row(result: WrkResult) -> dict[str, Any]:
    timed = result.timed or {}
    orders = result.statuses.get("201", 0)
    return {
        "orders": orders,
        "orders_per_s": orders / result.seconds if result.seconds else 0.0,
        "p50_ms": timed.get("p50_us", 0) / 1000,
        "p99_ms": timed.get("p99_us", 0) / 1000,
        "requests_per_s": result.rps,
        "statuses": result.statuses,
        "errors": result.describe_errors(),
    }
