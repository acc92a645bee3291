"""bench/run --workers-scaling: req/s of catalog and cart scenarios with 1 and 2 gunicorn
worker processes (same threads each, same machine), and the ratio.

Shop processes share nothing but PostgreSQL and Redis, so a second worker process should
nearly double the throughput of what is CPU-bound in Python (cached reads, cart reads) when
there is a free core for it. The target is >= 1.7x for cached reads and cart reads; on a
two-core machine wrk and the backing services share those cores, which caps the ratio.
It also reports the CPU time the gunicorn processes spent per 1,000 requests: when that
stays the same with two processes, they do not slow each other down, and the req/s ratio is
what the free cores allow. Writes bench/results/workers-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (  # noqa: E402
    BenchError,
    LoadConfig,
    ServerConfig,
    cpu_busy,
    flush_redis,
    gunicorn,
    log,
    render_table,
    run_wrk,
    stop_on_signals,
    write_results,
)
from bench.run import BY_NAME, SHOP_APP, Outcome, ShopScenarios, shop_backend  # noqa: E402

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: str) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def server_cpu_seconds(base: str) -> float:
    """User + system CPU time of the gunicorn serving `base` (arbiter and worker processes)."""
    bind = base.removeprefix("http://").encode()
    serving: dict[str, list[str]] = {}  # pid -> its /proc stat fields (after the name)
    for entry in Path("/proc").iterdir():
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            if bind in argv and any(b"gunicorn" in part for part in argv):
                serving[entry.name] = _stat(entry.name)
        except (OSError, ValueError):
            continue  # not a process, or gone meanwhile
    if not serving:
        raise BenchError(f"no gunicorn process found for {base}")
    # fields 11 and 12 after the name: utime and stime, in clock ticks
    return sum(int(f[11]) + int(f[12]) for f in serving.values()) / CLOCK_TICKS


def measure_with_cpu(recipes: ShopScenarios, name: str, load: LoadConfig) -> Outcome:
    """Warm up, then one wrk run with the server's CPU time around it."""
    scenario = BY_NAME[name]
    outcome = Outcome(scenario)
    try:
        url, script, args = recipes.prepare(scenario)
    except LookupError as exc:
        outcome.unavailable = str(exc)
        return outcome
    run_wrk(url, load, script, args, duration=load.warmup)
    before = server_cpu_seconds(recipes.base)
    outcome.result = result = run_wrk(url, load, script, args)
    spent = server_cpu_seconds(recipes.base) - before
    requests = result.rps * load.duration
    outcome.note = f"{1000 * spent / requests:.2f}" if requests else ""
    log(f"{name}: {result.rps:.0f} req/s, {spent:.1f} CPU s in the server")
    return outcome


SCENARIOS = ("list_cached", "detail_cached", "cart_get", "cart_add")
TARGET = {"list_cached": 1.7, "detail_cached": 1.7, "cart_get": 1.7}
WORKER_COUNTS = (1, 2)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run --workers-scaling", description=__doc__)
    parser.add_argument("-d", "--duration", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("-c", "--connections", type=int, default=32)
    parser.add_argument("-t", "--wrk-threads", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--variants-per-product", type=int, default=4)
    parser.add_argument("--quick", action="store_true", help="3-second runs")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.warmup = 3, 1
    # what bench.run's shop_backend and ShopScenarios read
    args.stock_staleness = None
    args.seed_timeout = 1800.0
    args.detail_ids = 20
    return args


def measure_all(args: argparse.Namespace, load: LoadConfig) -> dict[int, dict[str, Outcome]]:
    report: dict[str, Any] = {}
    results: dict[int, dict[str, Outcome]] = {}
    with shop_backend(args, report) as (redis, env, missing):
        if missing:
            raise BenchError(f"no demo catalog: {missing}")
        state: dict[str, Any] = {}
        for workers in WORKER_COUNTS:
            flush_redis(redis)
            server = ServerConfig(workers, args.threads)
            server_env = dict(env, SHOP_CACHE_ENABLED="1")
            with gunicorn(SHOP_APP, server_env, server, "/healthz", f"shop x{workers}") as base:
                recipes = ShopScenarios(base, load, args.detail_ids, state)
                results[workers] = {n: measure_with_cpu(recipes, n, load) for n in SCENARIOS}
    return results


def main(argv: list[str] | None = None) -> int:
    stop_on_signals()
    args = parse_args(argv)
    load = LoadConfig(args.duration, args.connections, args.wrk_threads, args.warmup)
    busy_before = cpu_busy()
    try:
        results = measure_all(args, load)
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    rows, payload = [], []
    failed = False
    for name in SCENARIOS:
        one, two = (results[w][name].result for w in WORKER_COUNTS)
        cpu = [results[w][name].note or "-" for w in WORKER_COUNTS]
        ratio = two.rps / one.rps if one and two and one.rps else None
        target = TARGET.get(name)
        met = None if ratio is None or target is None else ratio >= target
        failed = failed or any(results[w][name].failed for w in WORKER_COUNTS)
        verdict = "-" if met is None else ("ok" if met else "MISS")
        rows.append(
            [
                name,
                f"{one.rps:,.0f}" if one else "-",
                f"{two.rps:,.0f}" if two else "-",
                f"{ratio:.2f}x" if ratio else "-",
                f">={target}x" if target else "-",
                verdict,
                f"{cpu[0]} / {cpu[1]}",
            ]
        )
        payload.append(
            {
                "scenario": name,
                "rps": {"1": one.rps if one else None, "2": two.rps if two else None},
                "ratio": ratio,
                "server_cpu_seconds_per_1000_requests": {"1": cpu[0], "2": cpu[1]},
                "target": target,
                "target_met": met,
            }
        )
    path = write_results(
        "workers-",
        {
            "started_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
            "cpus": os.cpu_count(),
            "gunicorn_threads": args.threads,
            "load": asdict(load),
            "cpu_busy_before": round(busy_before, 3),
            "cpu_busy_after": round(cpu_busy(), 3),
            "scenarios": payload,
        },
    )
    log(f"results: {path}")
    print(
        f"\nWorker-process scaling: {load.duration}s per scenario, {load.connections} connections,"
        f" {args.threads} threads per worker, {os.cpu_count()} CPUs (shared with wrk,"
        " PostgreSQL and Redis)"
    )
    headers = ["scenario", "1 worker", "2 workers", "ratio", "target", "result", "CPU s/1k req"]
    print(render_table(headers, rows))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
