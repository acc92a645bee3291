"""Does the product list (and `q` search) slow down with the catalog's size?

bench/run --scaling [--small 1000] [--large 100000] [--quick]

Seeds two databases of one private PostgreSQL (the small and the large catalog, `shop
seed-demo --products N --variants-per-product K`), serves each with gunicorn with the catalog
cache off (SHOP_CACHE_ENABLED=0), measures p50 of GET /api/v1/products?page_size=20 and of
the same with `q` (rotating over a few words taken from the small catalog's product names)
with wrk, and prints the ratio large/small. Target: the large p50 at most 1.3x the small p50.
Writes bench/results/scaling-<timestamp>.json. Exit status: 0 when everything ran cleanly
(1 with --check-targets also when a target is missed), 1 on errors, 2 when set-up failed.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import re
import sys
import time
import urllib.parse
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # `python bench/search_scaling.py`
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
from bench.http_client import http  # noqa: E402
from bench.load_options import add_load_options, add_wait_quiet_option, settle_durations  # noqa: E402
from bench.processes import BENCH_DIR, BenchError, Terminated, log, stop_on_signals  # noqa: E402
from bench.report_output import render_table, write_results  # noqa: E402
from bench.wrk_load import LoadConfig, WrkResult, run_wrk  # noqa: E402

SHOP_APP = "shop.entrypoints.wsgi:app"
LIST_PATH = "/api/v1/products?page_size=20"
MAX_RATIO = 1.3


@dataclass
class Measurement:
    size: int
    query: str
    result: WrkResult
    matches: list[int | None]  # X-Pagination total per path: how much each query matched


def search_path(term: str) -> str:
    return f"{LIST_PATH}&q={urllib.parse.quote(term)}"


def pick_terms(base: str, count: int) -> list[str]:
    """The `count` most common words of the first 100 product names (3+ letters)."""
    status, _, body = http("GET", f"{base}/api/v1/products?page_size=100")
    if status != 200 or not isinstance(body, list) or not body:
        raise BenchError(f"GET /api/v1/products answered {status}: {str(body)[:200]}")
    words = collections.Counter(
        word.lower()
        for product in body
        for word in re.findall(r"[^\W\d_]{3,}", str(product.get("name", "")))
    )
    terms = [word for word, _ in sorted(words.items(), key=lambda kv: (-kv[1], kv[0]))][:count]
    if not terms:
        raise BenchError("no words of 3+ letters in the product names to search for")
    return terms


def total(base: str, path: str) -> int | None:
    """The X-Pagination total of a list request, when the API gives one."""
    status, headers, _ = http("GET", base + path)
    with_total = json.loads(headers.get("X-Pagination") or "{}") if status == 200 else {}
    value = with_total.get("total")
    return value if isinstance(value, int) else None


def measure(base: str, size: int, query: str, paths: list[str], load: LoadConfig) -> Measurement:
    script, args = ("get.lua", []) if len(paths) == 1 else ("paths.lua", paths)
    for path in paths:
        status, _, body = http("GET", base + path)
        if status != 200:
            raise BenchError(f"GET {path} answered {status}: {str(body)[:200]}")
    matches = [total(base, path) for path in paths]
    if load.warmup:
        run_wrk(base + paths[0], load, script, args, duration=load.warmup)
    result = run_wrk(base + paths[0], load, script, args)
    log(
        f"{size:>7} products, {query}: p50 {result.p50_ms:.2f} ms, p99 {result.p99_ms:.2f} ms, "
        f"{result.rps:.0f} req/s" + (f" !! {result.describe_errors()}" if result.errors else "")
    )
    return Measurement(size, query, result, matches)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/run --scaling",
        description="List and search p50 at a small vs a large catalog, cache off.",
    )
    parser.add_argument("--small", type=int, default=1000, help="products in the small catalog")
    parser.add_argument("--large", type=int, default=100_000, help="products in the large one")
    parser.add_argument("--variants-per-product", type=int, default=1)
    parser.add_argument("--terms", type=int, default=5, help="search words to rotate over")
    add_load_options(parser, connections=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument("--seed-timeout", type=float, default=3600.0, help="seconds per seed")
    add_wait_quiet_option(parser)
    parser.add_argument("--check-targets", action="store_true", help="exit 1 on a missed target")
    args = parser.parse_args(argv)
    settle_durations(args)
    if min(args.small, args.large, args.variants_per_product, args.terms, args.duration) < 1:
        parser.error("sizes, terms and durations must be at least 1")
    return args


def run(args: argparse.Namespace) -> int:
    load = LoadConfig(
        args.duration, args.connections, args.wrk_threads, args.warmup, args.wrk_timeout
    )
    server = ServerConfig(args.workers, args.threads)
    sizes = [args.small, args.large]
    measurements: list[Measurement] = []
    seeding: dict[str, float] = {}
    warnings: list[str] = []
    with backing_services() as (pg, redis):
        databases: dict[int, str] = {}
        for size in sizes:
            name = f"catalog_{size}"
            env = shop_env(pg.create_database(name), redis.url)
            migrate(env)
            started = time.monotonic()
            missing = seed_catalog(
                pg, name, env, size, args.variants_per_product, args.seed_timeout
            )
            if missing:
                raise BenchError(f"cannot seed the catalogs: {missing}")
            seeding[str(size)] = round(time.monotonic() - started, 1)
            databases[size] = env["DATABASE_URL"]
        flush_redis(redis)
        with contextlib.ExitStack() as servers:
            # Both servers up at once (an idle one costs nothing), measured turn by turn, so
            # that a machine whose speed drifts skews both sizes alike.
            bases = {
                size: servers.enter_context(
                    gunicorn(
                        SHOP_APP,
                        shop_env(databases[size], redis.url, SHOP_CACHE_ENABLED="0"),
                        server,
                        "/healthz",
                        f"shop, {size} products",
                    )
                )
                for size in sizes
            }
            terms = pick_terms(bases[args.small], args.terms)
            busy = wait_until_quiet(args.wait_quiet)
            warnings += [w for w in [busy_warning(busy, "before")] if w]
            for warning in warnings:
                log(f"!! {warning}")
            for query, paths in (
                ("list", [LIST_PATH]),
                ("search", [search_path(t) for t in terms]),
            ):
                for size in sizes:
                    measurements.append(measure(bases[size], size, query, paths, load))
    busy_after = cpu_busy()
    warnings += [w for w in [busy_warning(busy_after, "after")] if w]

    by_key = {(m.size, m.query): m for m in measurements}
    rows = []
    verdicts: dict[str, dict[str, Any]] = {}
    for query in ("list", "search"):
        small, large = by_key[(args.small, query)].result, by_key[(args.large, query)].result
        ratio = large.p50_ms / small.p50_ms if small.p50_ms else float("inf")
        met = ratio <= MAX_RATIO
        errors = small.errors + large.errors
        verdict = "ok" if met else "MISS"
        for size, result in ((args.small, small), (args.large, large)):
            if result.errors:
                verdict += f"; !! ERRORS at {size:,}: {result.describe_errors()}"
        verdicts[query] = {"p50_ratio": ratio, "target_met": met, "errors": errors}
        rows.append(
            [
                query,
                f"{small.p50_ms:.2f}",
                f"{small.p99_ms:.2f}",
                f"{large.p50_ms:.2f}",
                f"{large.p99_ms:.2f}",
                f"{ratio:.2f}x",
                f"<={MAX_RATIO:.2f}x",
                verdict,
            ]
        )
    payload = {
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
        "sizes": sizes,
        "variants_per_product": args.variants_per_product,
        "seed_seconds": seeding,
        "terms": terms,
        "load": asdict(load),
        "gunicorn": asdict(server),
        "cpu_busy_before": round(busy, 3),
        "cpu_busy_after": round(busy_after, 3),
        "warnings": warnings,
        "verdicts": verdicts,
        "measurements": [
            {"size": m.size, "query": m.query, "matches": m.matches, "wrk": m.result.as_dict()}
            for m in measurements
        ],
    }
    path = write_results("scaling-", payload)

    s, la = f"{args.small:,}", f"{args.large:,}"
    print()
    print(
        f"Catalog scaling, cache off: {s} vs {la} products x {args.variants_per_product} "
        f"variants; {load.duration}s per measurement, {load.connections} connections; "
        f"search rotates over q={', '.join(terms)}"
    )
    headers = [
        "query",
        f"{s} p50 ms",
        f"{s} p99 ms",
        f"{la} p50 ms",
        f"{la} p99 ms",
        "p50 ratio",
        "target",
        "result",
    ]
    print(render_table(headers, rows))
    search_matches = {m.size: m.matches for m in measurements if m.query == "search"}
    print(
        "search matches per term (X-Pagination total): "
        + "; ".join(f"{size:,}: {search_matches[size]}" for size in sizes)
    )
    for warning in warnings:
        print(f"note: {warning}")
    print(f"\nresults: {path.relative_to(BENCH_DIR.parent)}")
    if any(v["errors"] for v in verdicts.values()):
        return 1
    if args.check_targets and not all(v["target_met"] for v in verdicts.values()):
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
