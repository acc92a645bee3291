"""What the shop scenarios need from the running shop: catalog ids and filled guest carts."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from bench.http_client import http
from bench.scenarios import CART_LINES


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


def require_ok(method: str, base: str, path: str, body: Any = None) -> None:
    status, _, answer = http(method, base + path, body)
    if not 200 <= status < 300:
        raise LookupError(f"{method} {path}: {problem(status, answer)}")
