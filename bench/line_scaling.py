"""Does a request cost more per cart line? bench/run's rows cart_get_3/cart_get_50 and
checkout_1/checkout_20 (wrk), and the comparisons of each pair's p50: at most 2x for the cart
read, 3x for the checkout.

The checkout rows run bench/wrk/checkout_orders.lua over one connection: it fills a fresh
guest cart (POST /cart/items), then checks it out, again and again; only the checkouts are
timed (the p50/p99), and orders/s counts the fills too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bench.checkout_load import checkout_orders, orders_row
from bench.processes import log
from bench.report_output import render_table
from bench.wrk_load import WrkResult


@dataclass(frozen=True)
class Comparison:
    name: str
    small: str  # scenario names
    large: str
    max_factor: float
    what: str


COMPARISONS = [
    Comparison("cart_get_50_vs_3", "cart_get_3", "cart_get_50", 2.0, "cart GET p50, 50 vs 3 lines"),
    Comparison("checkout_20_vs_1", "checkout_1", "checkout_20", 3.0, "checkout p50, 20 vs 1 line"),
]
CHECKOUT_CLIENTS = 1  # sequential: the p50 is one checkout's own cost, not a queue's


def lines_of(scenario_name: str) -> int:
    """`cart_get_50` -> 50, `checkout_1` -> 1."""
    return int(scenario_name.rsplit("_", 1)[1])


def measure_checkout(base: str, variant_ids: list[Any], lines: int, seconds: int) -> WrkResult:
    """Checkouts of `lines`-line guest carts for `seconds`: rps is orders/s, the latencies
    are the checkouts'."""
    if len(variant_ids) < lines:
        raise LookupError(f"only {len(variant_ids)} variants with stock; a cart needs {lines}")
    log(f"checkout_{lines}: {seconds}s, {CHECKOUT_CLIENTS} connection(s), {lines}-line carts")
    result = checkout_orders(base, list(variant_ids), CHECKOUT_CLIENTS, seconds, lines, warmup=1)
    row = orders_row(result)
    if not row["orders"]:
        raise LookupError(f"no checkout succeeded: {row['errors'] or result.statuses}")
    log(
        f"checkout_{lines}: {row['orders']} orders, p50 {row['p50_ms']:.2f} ms, "
        f"p99 {row['p99_ms']:.2f} ms"
    )
    result.rps, result.p50_ms, result.p99_ms = row["orders_per_s"], row["p50_ms"], row["p99_ms"]
    return result


def compare(results: dict[str, WrkResult | None]) -> list[dict[str, Any]]:
    """Each comparison whose two rows ran: the p50 factor large/small and the verdict."""
    rows = []
    for c in COMPARISONS:
        small, large = results.get(c.small), results.get(c.large)
        if small is None or large is None or not small.p50_ms:
            continue
        factor = large.p50_ms / small.p50_ms
        rows.append(
            {
                "comparison": c.name,
                "what": c.what,
                "small_p50_ms": small.p50_ms,
                "large_p50_ms": large.p50_ms,
                "factor": factor,
                "target": f"<={c.max_factor:g}x",
                "target_met": factor <= c.max_factor,
            }
        )
    return rows


def comparison_table(rows: list[dict[str, Any]]) -> str:
    return render_table(
        ["comparison", "small p50 ms", "large p50 ms", "factor", "target", "result"],
        [
            [
                r["comparison"],
                f"{r['small_p50_ms']:.2f}",
                f"{r['large_p50_ms']:.2f}",
                f"{r['factor']:.2f}x",
                r["target"],
                "ok" if r["target_met"] else "MISS",
            ]
            for r in rows
        ],
    )
