"""Does a password reset request take as long for an unknown email as for a known one?

    .venv/bin/python bench/password_reset_timing.py [--requests 400] [--postgres]

Times POST /api/v1/auth/password-reset in-process (Flask's test client, no HTTP server) on the
embedded default, or on a private PostgreSQL + Redis with --postgres, alternating a known
and an unknown email, and prints the median and the 90th percentile of each in milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.servers import start_postgres, start_redis  # noqa: E402

from shop.adapters.sql import migrations  # noqa: E402
from shop.entrypoints.web.app import create_app  # noqa: E402
from shop.settings import TEST, Settings  # noqa: E402

PASSWORD = "bench-password-123"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    with ExitStack() as stack:
        data = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="shop-bench-")))
        database, redis = f"sqlite:///{data / 'shop.sqlite3'}", None
        if args.postgres:
            database = stack.enter_context(start_postgres()).url
            redis = stack.enter_context(start_redis()).url
        migrations.upgrade(database)
        settings = Settings(
            env=TEST,
            database_url=database,
            redis_url=redis,
            secret_key="bench-secret-" + "x" * 32,
            jwt_secret_key="bench-jwt-" + "y" * 32,
            data_dir=data,
            cheap_password_hashing=True,
            password_resets_per_email="1000000 per hour",
            password_resets_per_address="1000000 per hour",
        )
        app = create_app(settings)
        client = app.test_client()
        client.post(
            "/api/v1/auth/register", json={"email": "known@example.com", "password": PASSWORD}
        )
        timings: dict[str, list[float]] = {"known": [], "unknown": []}
        for index in range(args.requests):
            kind = "known" if index % 2 == 0 else "unknown"
            started = time.perf_counter()
            response = client.post(
                "/api/v1/auth/password-reset", json={"email": f"{kind}@example.com"}
            )
            timings[kind].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 202, response.json
        app.extensions["shop"].close()
    backend = "PostgreSQL + Redis" if args.postgres else "embedded (SQLite)"
    print(f"password reset requests, {backend}, {args.requests} in all")
    for kind, values in timings.items():
        values = values[5:]  # warm-up
        p90 = statistics.quantiles(values, n=10)[-1]
        print(f"  {kind:8} median {statistics.median(values):6.2f} ms   p90 {p90:6.2f} ms")


if __name__ == "__main__":
    main()
