"""The HTTP scenarios of bench/run: what each requests, against which server, and its target."""

from __future__ import annotations

from dataclasses import dataclass

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
    Scenario("detail_cached", "cached", "GET /api/v1/products/{id} rotating, cache on", 0.85, P99),
    Scenario(
        "cart_add",
        "cached",
        "POST /api/v1/cart/items quantity 1, a guest cart per connection",
        0.3,
        P99,
    ),
    Scenario("cart_get", "cached", f"GET /api/v1/cart of a {CART_LINES}-line guest cart", 0.5, P99),
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
