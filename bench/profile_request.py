"""Where one request's time goes: cProfile over N in-process requests on PostgreSQL + Redis.

    .venv/bin/python bench/profile_request.py "/api/v1/products?page_size=20" --no-cache
    .venv/bin/python bench/profile_request.py /api/v1/cart --cart [--signed-in]
    .venv/bin/python bench/profile_request.py /api/v1/cart/items --cart --add
    .venv/bin/python bench/profile_request.py /api/v1/checkout --checkout [--lines 3] [--statements]

Starts a private PostgreSQL and Redis (tests/support/servers.py), seeds the demo catalog, and times
the path through Flask's test client (no HTTP server: this isolates the app's own cost);
prints the mean time per request next to /healthz's, then the top functions. `--checkout`
times guest checkouts (each with its own Idempotency-Key) of carts filled beforehand, untimed;
`--statements` adds what PostgreSQL does for one checkout (bench/checkout_statements.py).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from tests.support.servers import start_postgres, start_redis  # noqa: E402

from bench.checkout_statements import (  # noqa: E402
    BUYER,
    enable_statement_stats,
    report_statements,
)
from shop.adapters.sql import migrations  # noqa: E402
from shop.entrypoints.web.app import create_app  # noqa: E402
from shop.settings import TEST, Settings  # noqa: E402


def mean_seconds(call: Any, count: int) -> tuple[float, float]:
    """Mean wall-clock and CPU seconds (this process only: not PostgreSQL's or Redis's) of
    one call; the CPU figure is what a busy machine disturbs least."""
    started, cpu_started = time.perf_counter(), time.process_time()
    for _ in range(count):
        call()
    wall = (time.perf_counter() - started) / count
    return wall, (time.process_time() - cpu_started) / count


def signed_in(client: Any) -> dict[str, str]:
    """A new customer's Authorization header."""
    account = {"email": "profile@example.com", "password": "profile-password"}
    assert client.post("/api/v1/auth/register", json=account).status_code == 201
    tokens = client.post("/api/v1/auth/login", json=account).json
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def fill_cart(client: Any, lines: int = 5, headers: dict[str, str] | None = None) -> dict[str, str]:
    """A cart of `lines` in-stock variants (a guest's without `headers`); the headers that
    name it."""
    headers = dict(headers or {})
    for summary in client.get("/api/v1/products?in_stock=true&page_size=50").json:
        variants = client.get(f"/api/v1/products/{summary['id']}").json["variants"]
        stocked = [v for v in variants if v["stock"] > 0 and v["is_active"]]
        if not stocked:
            continue
        reply = client.post(
            "/api/v1/cart/items",
            headers=headers,
            json={"variant_id": stocked[0]["id"], "quantity": 1},
        )
        assert reply.status_code == 200, reply.json
        token = reply.headers.get("X-Cart-Token", headers.get("X-Cart-Token"))
        if token:
            headers["X-Cart-Token"] = token
        lines -= 1
        if not lines:
            return headers
    raise SystemExit("not enough variants in stock for a cart")


def checkouts(client: Any, path: str, carts: int, lines: int) -> Any:
    """A checkout request of a fresh guest cart of `lines` lines for each call: `carts` carts
    filled now (their cost is not the checkout's), each with its own Idempotency-Key."""
    variants = [
        v["id"]
        for summary in client.get("/api/v1/products?page_size=100").json
        for v in client.get(f"/api/v1/products/{summary['id']}").json["variants"]
        if v["is_active"]
    ]
    assert len(variants) >= lines, "not enough variants for a cart"
    filled = []
    for n in range(carts):
        headers: dict[str, str] = {}
        for line in range(lines):
            body = {"variant_id": variants[(n * lines + line) % len(variants)], "quantity": 1}
            reply = client.post("/api/v1/cart/items", headers=headers, json=body)
            assert reply.status_code == 200, reply.json
            headers["X-Cart-Token"] = reply.headers["X-Cart-Token"]
        filled.append({**headers, "Idempotency-Key": f"profile-{n}"})
    queue = iter(filled)

    def checkout() -> Any:
        reply = client.post(path, headers=next(queue), json=BUYER)
        assert reply.status_code == 201, reply.json
        return reply

    return checkout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--no-cache", action="store_true", help="catalog response cache off")
    parser.add_argument("--cart", action="store_true", help="send a 5-line guest cart's token")
    parser.add_argument("--lines", type=int, default=5, help="lines of the --cart")
    parser.add_argument(
        "--signed-in", action="store_true", help="as a customer (Bearer token), not a guest"
    )
    parser.add_argument(
        "--add",
        action="store_true",
        help="POST one unit of the cart's first line to PATH (cart add), not GET PATH",
    )
    parser.add_argument(
        "--checkout",
        action="store_true",
        help="POST a guest checkout of a fresh --lines cart (default 3) to PATH",
    )
    parser.add_argument(
        "--statements",
        action="store_true",
        help="with --checkout: each SQL statement's share, planning and execution",
    )
    parser.add_argument("-n", type=int, default=500, help="requests to profile")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument(
        "--sort",
        default="cumulative",
        help="pstats orders, comma-separated: cumulative (default), tottime...",
    )
    args = parser.parse_args()
    if args.statements and not args.checkout:
        parser.error("--statements is for --checkout")
    if args.checkout and "--lines" not in sys.argv:
        args.lines = 3
    with start_postgres() as pg, start_redis() as redis:
        if args.statements:
            enable_statement_stats(pg)
        migrations.upgrade(pg.url)
        env = {
            **os.environ,
            "DATABASE_URL": pg.url,
            "REDIS_URL": redis.url,
            "SHOP_ENV": TEST,
            "SECRET_KEY": "p" * 32,
            "JWT_SECRET_KEY": "q" * 32,
        }
        subprocess.run(
            [sys.executable, "-m", "shop.entrypoints.cli", "seed-demo"],
            env=env,
            check=True,
            capture_output=True,
        )
        settings = Settings(
            env=TEST,
            database_url=pg.url,
            redis_url=redis.url,
            secret_key="p" * 32,
            jwt_secret_key="q" * 32,
            data_dir=Path(tempfile.mkdtemp()),
            cache_enabled=not args.no_cache,
            max_line_quantity=1_000_000,
            cheap_password_hashing=True,
        )
        app = create_app(settings)
        with app.extensions["shop"].engine.begin() as connection:  # adds never run out
            connection.execute(text("UPDATE variants SET stock = 1000000"))
        client = app.test_client()
        headers = signed_in(client) if args.signed_in else {}
        if args.cart:
            headers = fill_cart(client, args.lines, headers)
        first_line = client.get("/api/v1/cart", headers=headers).json["items"][:1]
        checkout = None
        if args.checkout:
            checkout = checkouts(client, args.path, 51 + 2 * args.n, args.lines)

        def request() -> Any:
            if checkout is not None:
                return checkout()
            if args.add:
                body = {"variant_id": first_line[0]["variant_id"], "quantity": 1}
                return client.post(args.path, headers=headers, json=body)
            return client.get(args.path, headers=headers)

        status = request().status_code
        for _ in range(50):
            request()
        hello, hello_cpu = mean_seconds(lambda: client.get("/healthz"), args.n)
        took, cpu = mean_seconds(request, args.n)
        print(
            f"{args.path}: {status}, {took * 1e3:.2f} ms a request ({cpu * 1e6:.0f} µs CPU); "
            f"/healthz {hello * 1e3:.2f} ms ({hello_cpu * 1e6:.0f} µs CPU) ({hello / took:.2f}x)"
        )
        if args.statements:
            assert checkout is not None
            report_statements(pg, app.extensions["shop"].engine, checkout, args.n)
            return
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.n):
            request()
        profiler.disable()
        for order in args.sort.split(","):
            pstats.Stats(profiler).sort_stats(order).print_stats(args.top)


if __name__ == "__main__":
    main()
