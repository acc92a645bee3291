"""The command line of bench/run (the HTTP benchmark)."""

from __future__ import annotations

import argparse

from bench.load_options import (
    add_connection_spread_options,
    add_load_options,
    add_wait_quiet_option,
    settle_durations,
)
from bench.scenarios import BY_NAME, SCENARIOS


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/run",
        description="HTTP benchmark of the shop against a hello-world Flask ceiling.",
    )
    parser.add_argument(
        "--scenarios",
        default=",".join(BY_NAME),
        help=f"comma-separated subset of: {', '.join(BY_NAME)} (hello always runs: the "
        "ratios need the ceiling of the same run)",
    )
    add_load_options(parser, connections=32)
    add_connection_spread_options(parser)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument(
        "--worker-class", choices=("gthread", "sync"), default="gthread", help="gunicorn -k"
    )
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--variants-per-product", type=int, default=4)
    parser.add_argument("--detail-ids", type=int, default=20, help="product ids to rotate over")
    parser.add_argument("--stock-staleness", type=int, help="SHOP_STOCK_STALENESS for the shop")
    parser.add_argument("--seed-timeout", type=float, default=1800.0)
    add_wait_quiet_option(parser)
    parser.add_argument(
        "--check-targets", action="store_true", help="exit 1 when a target is missed"
    )
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.scenarios.split(",") if n.strip()]
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        parser.error(f"unknown scenario(s) {', '.join(unknown)}; choose from {', '.join(BY_NAME)}")
    args.selected = [s for s in SCENARIOS if s.name == "hello" or s.name in names]
    settle_durations(args)
    if min(args.duration, args.connections, args.wrk_threads, args.workers, args.threads) < 1:
        parser.error("durations, connections, threads and workers must be at least 1")
    if args.connections < args.wrk_threads:
        parser.error("wrk needs at least one connection per thread")
    return args
