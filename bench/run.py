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
import functools
import json
import os
import platform
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
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
from bench.http_client import http  # noqa: E402
from bench.line_scaling import compare, comparison_table, lines_of, measure_checkout  # noqa: E402
from bench.processes import BENCH_DIR, BenchError, Terminated, log, stop_on_signals  # noqa: E402
from bench.report_output import render_table, write_results  # noqa: E402
from bench.wrk_load import WRK, LoadConfig, WrkResult, run_wrk  # noqa: E402

SHOP_APP = "shop.entrypoints.wsgi:app"
LIST_PATH = "/api/v1/products?page_size=20"
CART_LINES = 5


@dataclass(frozen=True)
class Scenario:
    name: str
    server: str  # "hello", "cached" (catalog cache on) or "uncached" (SHOP_CACHE_ENABLED=0)
    what: str
    min_ratio: float | None = None  # of the hello-world ceiling's req/s
    max_p99_ms: float | None = None
    versus_ceiling: bool = True  # False: a row for the per-line comparisons only

    @property
    def target(self) -> str:
        if self.server == "hello":
            return "ceiling"
        parts = []
        if self.min_ratio is not None:
            parts.append(f">={self.min_ratio:.2f}x")
        if self.max_p99_ms is not None:
            parts.append(f"p99<{self.max_p99_ms:g}ms")
        return ", ".join(parts) or "-"


P99 = 100.0  # ms, at 32 connections, every scenario
SCENARIOS = [
    Scenario("hello", "hello", "GET / of bench/hello_app.py: jsonify(hello='world')"),
    Scenario("list_cached", "cached", f"GET {LIST_PATH}, catalog cache on", 0.85, P99),
    Scenario("list_uncached", "uncached", f"GET {LIST_PATH}, SHOP_CACHE_ENABLED=0", 0.18, P99),
    Scenario(
        "detail_uncached", "uncached", "GET /api/v1/products/{id} rotating, cache off", 0.3, P99
    ),
    Scenario(
        "detail_cached", "cached", "GET /api/v1/products/{id} rotating, cache on", 0.85, P99
    ),
    Scenario(
        "cart_add",
        "cached",
        "POST /api/v1/cart/items quantity 1, a guest cart per connection",
        0.3,
        P99,
    ),
    Scenario(
        "cart_get", "cached", f"GET /api/v1/cart of a {CART_LINES}-line guest cart", 0.5, P99
    ),
    Scenario("cart_get_3", "cached", "GET /api/v1/cart of a 3-line guest cart", None, P99),
    Scenario("cart_get_50", "cached", "GET /api/v1/cart of a 50-line guest cart", None, P99),
    Scenario(
        "checkout_1",
        "cached",
        "POST /api/v1/checkout of a 1-line guest cart, 1 client (the cart fill untimed)",
        versus_ceiling=False,
    ),
    Scenario(
        "checkout_20",
        "cached",
        "POST /api/v1/checkout of a 20-line guest cart, 1 client (the cart fill untimed)",
        versus_ceiling=False,
    ),
]
BY_NAME = {s.name: s for s in SCENARIOS}
HELLO_END = Scenario("hello_end", "hello", "hello again after the shop scenarios")


@dataclass
class Outcome:
    scenario: Scenario
    result: WrkResult | None = None
    unavailable: str | None = None  # why the scenario could not run
    note: str = ""
    ratio: float | None = None
    target_met: bool | None = None

    @property
    def failed(self) -> bool:
        return self.unavailable is not None or (self.result is not None and self.result.errors > 0)

    def verdict(self) -> str:
        if self.unavailable is not None:
            return f"NOT RUN: {self.unavailable}"
        assert self.result is not None
        words = []
        if self.result.errors:
            words.append(f"!! ERRORS: {self.result.describe_errors()}")
        if self.target_met is True:
            words.append("ok")
        elif self.target_met is False:
            words.append("MISS")
        if self.note:
            words.append(self.note)
        return "; ".join(words) or "-"

    def as_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario.name,
            "what": self.scenario.what,
            "server": self.scenario.server,
            "target": self.scenario.target,
            "min_ratio": self.scenario.min_ratio,
            "max_p99_ms": self.scenario.max_p99_ms,
            "ratio_to_ceiling": self.ratio,
            "target_met": self.target_met,
            "unavailable": self.unavailable,
            "note": self.note,
            "verdict": self.verdict(),
            "wrk": self.result.as_dict() if self.result else None,
        }


# --------------------------------------------------------------------------------------------
# What the shop scenarios need from the catalog
# --------------------------------------------------------------------------------------------


@dataclass
class Catalog:
    product_ids: list[Any] = field(default_factory=list)
    variant_ids: list[Any] = field(default_factory=list)

    def product_paths(self) -> list[str]:
        return [f"/api/v1/products/{urllib.parse.quote(str(i), safe='')}" for i in self.product_ids]

    def variant_literals(self) -> list[str]:
        return [json.dumps(v) for v in self.variant_ids]


def problem(status: int, body: Any) -> str:
    """A short account of an unexpected answer."""
    if status == 0:
        return "no answer"
    if isinstance(body, dict):
        detail = body.get("detail") or body.get("title") or ""
        return f"{status} {detail}".strip()[:160]
    return f"{status} {str(body)[:120]}".strip()


def discover_catalog(base: str, detail_ids: int, want_variants: int) -> Catalog:
    """Product and variant ids through the public API (so any id type works)."""
    status, _, body = http("GET", f"{base}/api/v1/products?page_size=100")
    if status != 200 or not isinstance(body, list):
        raise LookupError(f"GET /api/v1/products: {problem(status, body)}")
    if not body:
        raise LookupError("GET /api/v1/products: the catalog is empty")
    catalog = Catalog(product_ids=[p["id"] for p in body])
    for product_id in catalog.product_ids:
        if len(catalog.variant_ids) >= want_variants:
            break
        path = f"/api/v1/products/{urllib.parse.quote(str(product_id), safe='')}"
        status, _, detail = http("GET", base + path)
        if status != 200 or not isinstance(detail, dict):
            raise LookupError(f"GET {path}: {problem(status, detail)}")
        for variant in detail.get("variants") or []:
            if variant.get("is_active", True) and variant.get("stock", 1) > 0:
                catalog.variant_ids.append(variant["id"])
    catalog.product_ids = catalog.product_ids[:detail_ids]
    return catalog


def create_carts(base: str, catalog: Catalog, count: int, lines: int = CART_LINES) -> list[str]:
    """`count` guest carts of `lines` lines each; their tokens."""
    variants = catalog.variant_ids
    if len(variants) < lines:
        raise LookupError(f"only {len(variants)} variants with stock; a cart needs {lines}")
    tokens = []
    for n in range(count):
        token: str | None = None
        for line in range(lines):
            variant = variants[(n * lines + line) % len(variants)]
            headers = {"X-Cart-Token": token} if token else {}
            status, answer_headers, body = http(
                "POST",
                f"{base}/api/v1/cart/items",
                {"variant_id": variant, "quantity": 1},
                headers,
            )
            if status != 200:
                raise LookupError(f"POST /api/v1/cart/items: {problem(status, body)}")
            token = token or answer_headers.get("X-Cart-Token")
            if not token:
                raise LookupError("POST /api/v1/cart/items: no X-Cart-Token header for a guest")
        assert token is not None
        tokens.append(token)
    status, _, body = http("GET", f"{base}/api/v1/cart", headers={"X-Cart-Token": tokens[0]})
    if status != 200 or not isinstance(body, dict):
        raise LookupError(f"GET /api/v1/cart: {problem(status, body)}")
    found = len(body.get("items") or [])
    if found != lines:
        raise LookupError(f"GET /api/v1/cart: the cart has {found} lines, not {lines}")
    return tokens


# --------------------------------------------------------------------------------------------
# Running scenarios
# --------------------------------------------------------------------------------------------

Plan = tuple[str, str, list[str]]  # (url, wrk script, script args)


def measure(scenario: Scenario, load: LoadConfig, prepare: Callable[[], Plan]) -> Outcome:
    """Prepare (LookupError: the endpoint is not there or misbehaves), warm up, run wrk."""
    outcome = Outcome(scenario)
    try:
        url, script, args = prepare()
    except LookupError as exc:
        outcome.unavailable = str(exc)
        log(f"{scenario.name}: NOT RUN: {exc}")
        return outcome
    if load.warmup:
        log(f"{scenario.name}: warming up {load.warmup}s")
        run_wrk(url, load, script, args, duration=load.warmup)
    log(f"{scenario.name}: {load.duration}s, {load.connections} connections")
    outcome.result = r = run_wrk(url, load, script, args)
    log(f"{scenario.name}: {r.rps:.0f} req/s, p50 {r.p50_ms:.2f} ms, p99 {r.p99_ms:.2f} ms")
    if r.errors:
        log(f"{scenario.name}: !! {r.describe_errors()}")
    return outcome


def require_ok(method: str, base: str, path: str, body: Any = None) -> None:
    status, _, answer = http(method, base + path, body)
    if not 200 <= status < 300:
        raise LookupError(f"{method} {path}: {problem(status, answer)}")


class ShopScenarios:
    """How to drive each shop scenario against the server at `base`."""

    def __init__(self, base: str, load: LoadConfig, detail_ids: int, state: dict[str, Any]):
        self.base = base
        self.load = load
        self.detail_ids = detail_ids
        self.state = state  # the catalog's ids, found once per run

    def catalog(self) -> Catalog:
        if "catalog" not in self.state:
            self.state["catalog"] = discover_catalog(self.base, self.detail_ids, want_variants=60)
        found: Catalog = self.state["catalog"]
        return found

    def prepare(self, scenario: Scenario) -> Plan:
        kind = scenario.name.split("_")[0]
        if kind == "list":
            require_ok("GET", self.base, LIST_PATH)
            return self.base + LIST_PATH, "get.lua", []
        if kind == "detail":
            paths = self.catalog().product_paths()
            require_ok("GET", self.base, paths[0])
            return self.base + paths[0], "paths.lua", paths
        if scenario.name == "cart_add":
            create_carts(self.base, self.catalog(), 1)  # the endpoint works for a guest
            return (
                self.base + "/api/v1/cart/items",
                "cart_add.lua",
                self.catalog().variant_literals(),
            )
        if scenario.name == "cart_get":
            tokens = create_carts(self.base, self.catalog(), self.load.connections)
            return self.base + "/api/v1/cart", "cart_get.lua", tokens
        if scenario.name.startswith("cart_get_"):
            lines = lines_of(scenario.name)
            # Reads of one cart never conflict: a few carts serve every connection.
            count = min(self.load.connections, 8)
            tokens = create_carts(self.base, self.catalog(), count, lines)
            return self.base + "/api/v1/cart", "cart_get.lua", tokens
        raise AssertionError(f"no recipe for {scenario.name}")

    def checkout(self, scenario: Scenario) -> Outcome:
        outcome = Outcome(scenario)
        try:
            variants = self.catalog().variant_ids
            outcome.result = measure_checkout(
                self.base, variants, lines_of(scenario.name), self.load.duration
            )
        except LookupError as exc:
            outcome.unavailable = str(exc)
            log(f"{scenario.name}: NOT RUN: {exc}")
        return outcome

    def run(self, scenarios: list[Scenario]) -> list[Outcome]:
        return [
            self.checkout(s)
            if s.name.startswith("checkout_")
            else measure(s, self.load, functools.partial(self.prepare, s))
            for s in scenarios
        ]


def ceiling_drift(outcomes: list[Outcome]) -> float | None:
    """How far apart the hello runs are, relative to the faster one."""
    rates = [o.result.rps for o in outcomes if o.scenario.server == "hello" and o.result]
    if len(rates) < 2 or not max(rates):
        return None
    return (max(rates) - min(rates)) / max(rates)


def judge(outcomes: list[Outcome], load: LoadConfig) -> float | None:
    """Ratios to the ceiling (mean req/s of the hello runs) and targets; the ceiling."""
    rates = [o.result.rps for o in outcomes if o.scenario.server == "hello" and o.result]
    ceiling = sum(rates) / len(rates) if rates else None
    for outcome in outcomes:
        s, r = outcome.scenario, outcome.result
        if r is None:
            continue
        if ceiling and s.versus_ceiling:
            outcome.ratio = r.rps / ceiling
        if s.min_ratio is None and s.max_p99_ms is None:
            continue
        met = True
        if s.min_ratio is not None:
            if outcome.ratio is None:
                continue  # no ceiling measured: nothing to judge against
            met = met and outcome.ratio >= s.min_ratio
        if s.max_p99_ms is not None:
            met = met and r.p99_ms < s.max_p99_ms
            if load.connections != 32:
                outcome.note = "(the p99 target is for 32 connections)"
        outcome.target_met = met
    return ceiling


def table(outcomes: list[Outcome]) -> str:
    rows = []
    for o in outcomes:
        r = o.result
        rows.append(
            [
                o.scenario.name,
                f"{r.rps:,.0f}" if r else "-",
                f"{r.p50_ms:.2f}" if r else "-",
                f"{r.p99_ms:.2f}" if r else "-",
                f"{o.ratio:.2f}x" if o.ratio is not None else "-",
                o.scenario.target,
                o.verdict(),
            ]
        )
    headers = ["scenario", "req/s", "p50 ms", "p99 ms", "x ceiling", "target", "result"]
    return render_table(headers, rows)


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


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
                    for o in recipes.run(wanted):
                        outcomes[o.scenario.name] = o
    except BenchError as exc:
        log(f"!! {exc}")
        why = str(exc).splitlines()[0].rstrip(":")
        outcomes.update({s.name: Outcome(s, unavailable=why) for s in shop if s not in outcomes})
        report.setdefault("errors", []).append(str(exc))
    return outcomes


def run(args: argparse.Namespace) -> int:
    load = LoadConfig(
        args.duration, args.connections, args.wrk_threads, args.warmup, args.wrk_timeout
    )
    server = ServerConfig(args.workers, args.threads, args.worker_class)
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
    report.update(
        per_line=per_line,
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
    before, after = (" ".join(f"{x:.2f}" for x in avg) for avg in (load_before, load_after))
    print(f"load average (1, 5, 15 min) before the run: {before}; after: {after}")
    for warning in warnings:
        print(f"note: {warning}")
    failed = [o for o in ordered if o.failed]
    missed = [o for o in ordered if o.target_met is False]
    if failed:
        print()
        print("!" * 78)
        for o in failed:
            print(f"!! {o.scenario.name}: {o.verdict()}")
        print("!" * 78)
    print(f"\nresults: {path.relative_to(BENCH_DIR.parent)}")
    if failed:
        return 1
    if missed and args.check_targets:
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
