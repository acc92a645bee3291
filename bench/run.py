"""One command for the HTTP benchmark: bench/run [--quick] [--scenarios a,b] [...].

Starts a private PostgreSQL and Redis (tests/support/servers.py), migrates, seeds the demo catalog,
then serves the shop with gunicorn twice (catalog cache on, then SHOP_CACHE_ENABLED=0) and
bench/hello_app.py once (the ceiling), drives each scenario with wrk on 127.0.0.1, prints
a table (req/s, p50, p99, ratio to the hello-world ceiling of this run, target) and writes
bench/results/<timestamp>.json. Every server is stopped at the end, also on errors and Ctrl-C.

Exit status: 0 when every selected scenario ran without a non-2xx answer or socket error,
1 otherwise (and, with --check-targets, also when a target is missed), 2 when set-up failed.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # `python bench/run.py`: make `bench` and `tests` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.backing_services import (  # noqa: E402
    backing_services,
    flush_redis,
    migrate,
    seed_catalog,
    shop_env,
)
from bench.cpu_load import busy_warning, cpu_busy, wait_until_quiet  # noqa: E402
from bench.gunicorn_server import ServerConfig, gunicorn  # noqa: E402
from bench.line_scaling import compare, comparison_table  # noqa: E402
from bench.outcomes import Outcome, ceiling_drift, judge, table  # noqa: E402
from bench.processes import BENCH_DIR, BenchError, Terminated, log, stop_on_signals  # noqa: E402
from bench.report_output import write_results  # noqa: E402
from bench.run_options import parse_args  # noqa: E402
from bench.scenarios import BY_NAME, HELLO_END, Scenario  # noqa: E402
from bench.shop_catalog import require_ok  # noqa: E402
from bench.shop_scenarios import Plan, ShopScenarios, measure  # noqa: E402
from bench.worker_rss import judge_rss, rss_table, worker_rss_kb  # noqa: E402
from bench.wrk_load import WRK, LoadConfig  # noqa: E402

SHOP_APP = "shop.entrypoints.wsgi:app"


@contextlib.contextmanager
def shop_backend(args: argparse.Namespace, report: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
    """PostgreSQL + Redis, migrated and seeded; yields (redis, env, why the catalog is missing)."""
    with backing_services() as (pg, redis):
        env = shop_env(pg.url, redis.url, SHOP_MAX_LINE_QUANTITY="1000000")
        if args.stock_staleness:
            env["SHOP_STOCK_STALENESS"] = str(args.stock_staleness)
        migrate(env)
        started = time.monotonic()
        missing = seed_catalog(
            pg, pg.database, env, args.products, args.variants_per_product, args.seed_timeout
        )
        report["seed"] = {
            "products": args.products,
            "variants_per_product": args.variants_per_product,
            "seconds": round(time.monotonic() - started, 1),
            "missing": missing,
        }
        if missing:
            log(f"!! no demo catalog: {missing}; the catalog and cart scenarios will not run")
        yield redis, env, missing


def hello_plan(base: str) -> Plan:
    require_ok("GET", base, "/")
    return base + "/", "get.lua", []


def measure_ceiling(scenario: Scenario, load: LoadConfig, server: ServerConfig) -> Outcome:
    with gunicorn("hello_app:app", None, server, "/", "hello", pythonpath=BENCH_DIR) as base:
        return measure(scenario, load, lambda: hello_plan(base))


def measure_shop(
    args: argparse.Namespace, load: LoadConfig, server: ServerConfig, report: dict[str, Any]
) -> dict[str, Outcome]:
    """The shop scenarios selected; a set-up failure marks the ones left NOT RUN."""
    shop = [s for s in args.selected if s.server != "hello"]
    outcomes: dict[str, Outcome] = {}
    try:
        with shop_backend(args, report) as (redis, env, missing):
            state: dict[str, Any] = {}
            rss = report.setdefault("worker_rss_kb", {})
            for mode in ("cached", "uncached"):
                wanted = [s for s in shop if s.server == mode]
                if not wanted:
                    continue
                if missing:
                    outcomes.update({s.name: Outcome(s, unavailable=missing) for s in wanted})
                    continue
                flush_redis(redis)
                server_env = dict(env, SHOP_CACHE_ENABLED="1" if mode == "cached" else "0")
                with gunicorn(SHOP_APP, server_env, server, "/healthz", f"shop ({mode})") as base:
                    recipes = ShopScenarios(base, load, args.detail_ids, state)
                    rss[f"{mode} at start"] = worker_rss_kb(base)
                    for o in recipes.run(wanted):
                        outcomes[o.scenario.name] = o
                    rss[mode] = worker_rss_kb(base)
    except BenchError as exc:
        log(f"!! {exc}")
        why = str(exc).splitlines()[0].rstrip(":")
        outcomes.update({s.name: Outcome(s, unavailable=why) for s in shop if s not in outcomes})
        report.setdefault("errors", []).append(str(exc))
    return outcomes


def run(args: argparse.Namespace) -> int:
    load = LoadConfig(
        args.duration,
        args.connections,
        args.wrk_threads,
        args.warmup,
        args.wrk_timeout,
        args.reconnect_every,
    )
    server = ServerConfig(
        args.workers, args.threads, args.worker_class, reuse_port=not args.shared_socket
    )
    report: dict[str, Any] = {
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
        "host": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "wrk": WRK,
        },
        "load": asdict(load),
        "gunicorn": asdict(server),
    }
    load_before = os.getloadavg()
    busy_before = wait_until_quiet(args.wait_quiet)
    warnings = [w for w in [busy_warning(busy_before, "before")] if w]
    for warning in warnings:
        log(f"!! {warning}")

    outcomes = {"hello": measure_ceiling(BY_NAME["hello"], load, server)}
    if any(s.server != "hello" for s in args.selected):
        outcomes.update(measure_shop(args, load, server, report))
        # Measured again at the end: the ceiling is the mean of both, and their spread shows
        # how much the machine drifted during the run.
        outcomes["hello_end"] = measure_ceiling(HELLO_END, load, server)

    busy_after = cpu_busy()
    load_after = os.getloadavg()
    warnings += [w for w in [busy_warning(busy_after, "after")] if w]
    ordered = [outcomes[s.name] for s in [*args.selected, HELLO_END] if s.name in outcomes]
    ceiling = judge(ordered, load)
    drift = ceiling_drift(ordered)
    if drift is not None and drift > 0.15:
        warnings.append(f"the two hello runs differ by {drift:.0%}: the machine's speed drifted")
    per_line = compare({o.scenario.name: o.result for o in ordered})
    rss = judge_rss(report.pop("worker_rss_kb", {}))
    report.update(
        per_line=per_line,
        worker_rss=rss,
        load_average_before=load_before,
        load_average_after=load_after,
        cpu_busy_before=round(busy_before, 3),
        cpu_busy_after=round(busy_after, 3),
        ceiling_rps=ceiling,
        warnings=warnings,
        scenarios=[o.as_dict() for o in ordered],
    )
    path = write_results("", report)

    print()
    print(
        f"Shop HTTP benchmark: {load.duration}s per scenario, {load.connections} connections, "
        f"wrk -t {load.threads}; gunicorn {server.label}; {os.cpu_count()} CPUs; "
        "ceiling = mean req/s of the hello runs" + (f" = {ceiling:,.0f}" if ceiling else "")
    )
    print(table(ordered))
    if per_line:
        print()
        print(comparison_table(per_line))
    if rss:
        print()
        print(rss_table(rss))
    before, after = (" ".join(f"{x:.2f}" for x in avg) for avg in (load_before, load_after))
    print(f"load average (1, 5, 15 min) before the run: {before}; after: {after}")
    for warning in warnings:
        print(f"note: {warning}")
    failed = [o for o in ordered if o.failed]
    missed = [o for o in ordered if o.target_met is False]
    rss_missed = rss is not None and rss["target_met"] is False
    if failed:
        print()
        print("!" * 78)
        for o in failed:
            print(f"!! {o.scenario.name}: {o.verdict()}")
        print("!" * 78)
    print(f"\nresults: {path.relative_to(BENCH_DIR.parent)}")
    if failed:
        return 1
    if (missed or rss_missed) and args.check_targets:
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    stop_on_signals()
    args = parse_args(argv)
    try:
        return run(args)
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bench: interrupted; servers stopped", file=sys.stderr)
        return 130
    except Terminated as exc:
        print(f"bench: {exc}; servers stopped", file=sys.stderr)
        return exc.status


if __name__ == "__main__":
    sys.exit(main())
