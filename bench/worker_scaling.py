"""bench/run --workers-scaling: req/s of the catalog, cart and checkout scenarios with 1 and 2
gunicorn worker processes (the same threads each, the same machine), and the ratio.

Shop processes share nothing but PostgreSQL and Redis, so a second worker process should
nearly double the throughput of what is CPU-bound in Python (cached reads, cart reads) when
there is a free core for it. The target is >= 1.7x for cached reads and cart reads. Both
servers run side by side and the rounds interleave them (bench/scaling_rounds.py); the table
gives the ratio of the median req/s and the range of the rounds' ratios, and the cores each
party kept busy: when one worker process already keeps more than one core busy (its threads
run C code outside the GIL), or wrk, PostgreSQL and Redis take the rest of two cores, the
ratio shows the machine's limit, not the shop's. Writes bench/results/workers-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cpu_load import cpu_busy  # noqa: E402
from bench.gunicorn_server import ServerConfig, gunicorn  # noqa: E402
from bench.load_options import (  # noqa: E402
    add_connection_spread_options,
    add_load_options,
    settle_durations,
)
from bench.processes import BenchError, log, stop_on_signals  # noqa: E402
from bench.report_output import render_table, write_results  # noqa: E402
from bench.run import SHOP_APP, shop_backend  # noqa: E402
from bench.scaling_rounds import CHECKOUT, Rounds, Series  # noqa: E402
from bench.shop_scenarios import ShopScenarios  # noqa: E402
from bench.wrk_load import LoadConfig  # noqa: E402

SCENARIOS = ("list_cached", "detail_cached", "cart_get", "cart_add", CHECKOUT)
TARGET = {"list_cached": 1.7, "detail_cached": 1.7, "cart_get": 1.7}
WORKER_COUNTS = (1, 2)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run --workers-scaling", description=__doc__)
    add_load_options(
        parser,
        connections=32,
        wrk_threads=1,
        wrk_threads_help="wrk threads (one drives these rates with a fraction of a core)",
        quick_help="3-second runs, one round",
        wrk_timeout=False,
    )
    parser.add_argument("--rounds", type=int, default=3, help="runs of each scenario per server")
    add_connection_spread_options(parser)
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--variants-per-product", type=int, default=4)
    args = parser.parse_args(argv)
    settle_durations(args, warmup=3)
    if args.quick:
        args.duration, args.warmup, args.rounds = 3, 1, 1
    # what bench.run's shop_backend and bench.shop_scenarios' ShopScenarios read
    args.stock_staleness = None
    args.seed_timeout = 1800.0
    args.detail_ids = 20
    return args


def measure_all(args: argparse.Namespace, load: LoadConfig, report: dict[str, Any]) -> Rounds:
    with shop_backend(args, report) as (_, env, missing), contextlib.ExitStack() as servers:
        if missing:
            raise BenchError(f"no demo catalog: {missing}")
        state: dict[str, Any] = {}
        server_env = dict(env, SHOP_CACHE_ENABLED="1")
        recipes = {}
        for workers in WORKER_COUNTS:
            config = ServerConfig(workers, args.threads, reuse_port=not args.shared_socket)
            base = servers.enter_context(
                gunicorn(SHOP_APP, server_env, config, "/healthz", f"shop x{workers}")
            )
            recipes[workers] = ShopScenarios(base, load, args.detail_ids, state)
        rounds = Rounds(recipes, load, args.reconnect_every)
        rounds.run(SCENARIOS, args.rounds)
        return rounds


def summarize(name: str, one: Series, two: Series) -> tuple[list[str], dict[str, Any]]:
    """One table row and its JSON for a scenario."""
    if one.failed or two.failed:
        why = one.unavailable or two.unavailable or f"{one.errors + two.errors} errors"
        return [name, "-", "-", "-", "-", f"NOT MEASURED: {why}", "-", "-", "-", "-"], {
            "scenario": name, "failed": why
        }
    rate = "orders_per_s" if name == CHECKOUT else "rps"
    ratio = two.median(rate) / one.median(rate)
    pairs = zip(one.samples, two.samples, strict=True)
    per_round = [getattr(b, rate) / getattr(a, rate) for a, b in pairs]
    target = TARGET.get(name)
    met = None if target is None else ratio >= target
    row = [
        name + (" (orders/s)" if name == CHECKOUT else ""),
        f"{one.median(rate):,.0f}",
        f"{two.median(rate):,.0f}",
        f"{ratio:.2f}x ({min(per_round):.2f}-{max(per_round):.2f})",
        f">={target}x" if target else "-",
        "-" if met is None else ("ok" if met else "MISS"),
        f"{one.median('server_cores'):.2f} / {two.median('server_cores'):.2f}",
        f"{one.median('server_ms_per_request'):.2f} / {two.median('server_ms_per_request'):.2f}",
        f"{one.median('wrk_cores'):.2f} / {two.median('wrk_cores'):.2f}",
        f"{one.median('machine_cores'):.2f} / {two.median('machine_cores'):.2f}",
    ]
    payload = {
        "scenario": name,
        "rate": rate,
        "median": {"1": one.median(rate), "2": two.median(rate)},
        "ratio": ratio,
        "round_ratios": per_round,
        "target": target,
        "target_met": met,
        "rounds": {
            "1": [s.as_dict() for s in one.samples],
            "2": [s.as_dict() for s in two.samples],
        },
    }
    return row, payload


def main(argv: list[str] | None = None) -> int:
    stop_on_signals()
    args = parse_args(argv)
    load = LoadConfig(args.duration, args.connections, args.wrk_threads, args.warmup)
    busy_before, load_before = cpu_busy(), os.getloadavg()
    report: dict[str, Any] = {}
    try:
        rounds = measure_all(args, load, report)
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    rows, payload = [], []
    for name in SCENARIOS:
        row, data = summarize(name, *(rounds.series[(w, name)] for w in WORKER_COUNTS))
        rows.append(row)
        payload.append(data)
    path = write_results(
        "workers-",
        {
            "started_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
            "cpus": os.cpu_count(),
            "gunicorn_threads": args.threads,
            "rounds": args.rounds,
            "reconnect_every": args.reconnect_every,
            "reuse_port": not args.shared_socket,
            "load": asdict(load),
            "cpu_busy_before": round(busy_before, 3),
            "loadavg_before": load_before,
            "loadavg_after": os.getloadavg(),
            "seed": report.get("seed"),
            "scenarios": payload,
        },
    )
    log(f"results: {path}")
    print(
        f"\nWorker-process scaling: {args.rounds} interleaved rounds of {load.duration}s (after"
        f" {load.warmup}s of warm-up) per scenario and server, {load.connections} connections,"
        f" {args.threads} threads per worker, {os.cpu_count()} CPUs shared with wrk, PostgreSQL"
        f" and Redis; {busy_before:.0%} busy with other work before, load average"
        f" {load_before[0]:.2f} before, {os.getloadavg()[0]:.2f} after"
    )
    headers = [
        "scenario", "1 worker", "2 workers", "ratio (rounds)", "target", "result",
        "server cores", "server CPU ms/req", "wrk cores", "machine cores",
    ]
    print(render_table(headers, rows))
    return 1 if any(r[5].startswith("NOT") for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
