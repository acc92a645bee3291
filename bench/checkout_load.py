"""Guest orders driven by wrk (bench/wrk/checkout_orders.lua): carts filled and checked out in
a loop by each connection, the checkouts timed by the script itself; or carts filled first
and then only checked out (checkout_prefilled.lua): the checkout's own throughput."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from bench.processes import spawn, terminate
from bench.wrk_load import LoadConfig, WrkResult, run_wrk, wrk_command

SCRIPT = "checkout_orders.lua"
PREFILLED = "checkout_prefilled.lua"
FILL_SECONDS = 600  # at most; wrk is stopped as soon as the carts are there


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
        # the script's own timing of the checkouts, else wrk's (every request a checkout)
        "p50_ms": timed["p50_us"] / 1000 if timed else result.p50_ms,
        "p99_ms": timed["p99_us"] / 1000 if timed else result.p99_ms,
        "requests_per_s": result.rps,
        "statuses": result.statuses,
        "errors": result.describe_errors(),
    }


def fill_carts(
    base: str, variant_ids: list[Any], load: LoadConfig, lines: int, carts: int, directory: Path
) -> int:
    """`carts` guest carts of `lines` lines filled by wrk (checkout_orders.lua's fill mode) with
    `load`'s threads and connections, their tokens in `directory`; how many were filled."""
    args = [str(lines), f"fill={directory}", *(json.dumps(v) for v in variant_ids)]
    per_thread = -(-carts // load.threads)
    files = [directory / f"carts-{n}.txt" for n in range(1, load.threads + 1)]
    proc = spawn(*wrk_command(base + "/api/v1/cart/items", load, SCRIPT, args, FILL_SECONDS))
    try:
        while proc.poll() is None and min(map(_lines, files)) < per_thread:
            time.sleep(0.2)
    finally:
        terminate(proc, grace=2)
    for path in files:  # a token cut short by the stop is no cart
        text = path.read_text() if path.exists() else ""
        path.write_text(text[: text.rfind("\n") + 1])
    return sum(map(_lines, files))


def _lines(path: Path) -> int:
    try:
        with path.open("rb") as file:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: file.read(65536), b""))
    except FileNotFoundError:
        return 0


def checkout_prefilled(base: str, load: LoadConfig, directory: Path) -> WrkResult:
    """Checkouts only, of the carts fill_carts left in `directory` (the same threads)."""
    return run_wrk(base + "/api/v1/checkout", load, PREFILLED, [str(directory)])
