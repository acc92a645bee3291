"""The command line of bench/run (the HTTP benchmark)."""

from __future__ import annotations

import argparse

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
    parser.add_argument("--quick", action="store_true", help="3-second runs, 1-second warm-ups")
    parser.add_argument("-d", "--duration", type=int, help="seconds per scenario (default 10)")
    parser.add_argument("--warmup", type=int, help="warm-up seconds per scenario (default 2)")
    parser.add_argument("-c", "--connections", type=int, default=32)
    parser.add_argument("-t", "--wrk-threads", type=int, default=2)
    parser.add_argument(
        "--wrk-timeout", type=int, default=10, help="seconds before wrk counts a request lost"
    )
    parser.add_argument(
        "--reconnect-every",
        type=int,
        default=50,
        metavar="N",
        help="renew a wrk connection every N requests (bench/wrk/reconnecting.lua; 0: never), "
        "so that the connections spread over the worker processes as in service",
    )
    parser.add_argument(
        "--shared-socket",
        action="store_true",
        help="gunicorn's one listening socket for all its processes (default: --reuse-port, "
        "a socket per process, which the kernel balances connections over)",
    )
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
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="first wait up to SECONDS for other work to leave the CPUs (a shared machine)",
    )
    parser.add_argument(
        "--check-targets", action="store_true", help="exit 1 when a target is missed"
    )
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.scenarios.split(",") if n.strip()]
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        parser.error(f"unknown scenario(s) {', '.join(unknown)}; choose from {', '.join(BY_NAME)}")
    args.selected = [s for s in SCENARIOS if s.name == "hello" or s.name in names]
    if args.duration is None:
        args.duration = 3 if args.quick else 10
    if args.warmup is None:
        args.warmup = 1 if args.quick else 2
    if min(args.duration, args.connections, args.wrk_threads, args.workers, args.threads) < 1:
        parser.error("durations, connections, threads and workers must be at least 1")
    if args.connections < args.wrk_threads:
        parser.error("wrk needs at least one connection per thread")
    return args
