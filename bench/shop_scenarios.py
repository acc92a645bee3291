"""How bench/run drives each shop scenario: prepare it, warm up, run wrk (or time checkouts)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from bench.line_scaling import lines_of, measure_checkout
from bench.outcomes import Outcome
from bench.processes import log
from bench.scenarios import LIST_PATH, Scenario
from bench.shop_catalog import Catalog, create_carts, discover_catalog, require_ok
from bench.wrk_load import LoadConfig, renewing, run_wrk

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
    script, args = renewing(script, args, load.reconnect_every)
    if load.warmup:
        log(f"{scenario.name}: warming up {load.warmup}s")
        run_wrk(url, load, script, args, duration=load.warmup)
    log(f"{scenario.name}: {load.duration}s, {load.connections} connections")
    outcome.result = r = run_wrk(url, load, script, args)
    log(f"{scenario.name}: {r.rps:.0f} req/s, p50 {r.p50_ms:.2f} ms, p99 {r.p99_ms:.2f} ms")
    if r.errors:
        log(f"{scenario.name}: !! {r.describe_errors()}")
    return outcome


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
