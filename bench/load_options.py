"""The command-line options the HTTP benchmarks share (bench/run, --scaling, --workers-scaling):
the wrk load, how its connections spread over gunicorn's processes, and waiting for a quiet
machine."""

from __future__ import annotations

import argparse

QUICK_DURATION = 3
QUICK_WARMUP = 1


def add_load_options(
    parser: argparse.ArgumentParser,
    *,
    connections: int,
    wrk_threads: int = 2,
    wrk_threads_help: str | None = None,
    quick_help: str = "3-second runs, 1-second warm-ups",
    wrk_timeout: bool = True,
) -> None:
    """--quick, -d/--duration, --warmup, -c/--connections, -t/--wrk-threads and, unless
    `wrk_timeout` is False, --wrk-timeout. `settle_durations` fills in the durations."""
    parser.add_argument("--quick", action="store_true", help=quick_help)
    parser.add_argument("-d", "--duration", type=int, help="seconds per run (default 10)")
    parser.add_argument("--warmup", type=int, help="warm-up seconds before each run")
    parser.add_argument("-c", "--connections", type=int, default=connections)
    parser.add_argument("-t", "--wrk-threads", type=int, default=wrk_threads, help=wrk_threads_help)
    if wrk_timeout:
        parser.add_argument(
            "--wrk-timeout", type=int, default=10, help="seconds before wrk counts a request lost"
        )


def settle_durations(args: argparse.Namespace, *, duration: int = 10, warmup: int = 2) -> None:
    """The durations not given: the defaults, or the short ones with --quick."""
    if args.duration is None:
        args.duration = QUICK_DURATION if args.quick else duration
    if args.warmup is None:
        args.warmup = QUICK_WARMUP if args.quick else warmup


def add_connection_spread_options(parser: argparse.ArgumentParser) -> None:
    """--reconnect-every and --shared-socket: how wrk's connections reach the processes."""
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


def add_wait_quiet_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="first wait up to SECONDS for other work to leave the CPUs (a shared machine)",
    )
