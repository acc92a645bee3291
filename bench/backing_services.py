"""PostgreSQL, Redis and the `shop` command: a private, migrated and seeded database for a run."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence

from tests.support.servers import PostgresServer, RedisServer, start_postgres, start_redis

from bench.processes import LOOPBACK, VENV_BIN, BenchError, log, spawn, terminate

BIG_STOCK = 1_000_000


@contextlib.contextmanager
def backing_services() -> Iterator[tuple[PostgresServer, RedisServer]]:
    """A private PostgreSQL and Redis (tests/support/servers.py), stopped at the end."""
    log("starting a private PostgreSQL and Redis")
    with start_postgres() as pg, start_redis() as redis:
        yield pg, redis
    log("PostgreSQL and Redis stopped")


def shop_env(database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    """The environment of every `shop` command and shop server of a run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHOP_", "PG"))}
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        SECRET_KEY=secrets.token_urlsafe(32),
        JWT_SECRET_KEY=secrets.token_urlsafe(32),
        SHOP_ENV="production",
        SHOP_PAYMENT_PROVIDER="test",
        SHOP_LOG_LEVEL="WARNING",
        SHOP_DATA_DIR=tempfile.gettempdir(),
    )
    env.update(extra)
    return env


def run_shop(args: Sequence[str], env: dict[str, str], timeout: float) -> str:
    """`shop ARGS...`; its output, or BenchError with the output's tail."""
    argv = [str(VENV_BIN / "shop"), *args]
    proc = spawn(argv, env)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        terminate(proc)
        raise BenchError(f"`shop {' '.join(args)}` did not finish within {timeout:g}s") from None
    finally:
        terminate(proc)
    text = out.decode(errors="replace") if out else ""
    if proc.returncode != 0:
        tail = "\n".join(text.splitlines()[-15:])
        raise BenchError(f"`shop {' '.join(args)}` failed (status {proc.returncode}):\n{tail}")
    return text


def migrate(env: dict[str, str]) -> None:
    log("migrating (shop db upgrade)")
    run_shop(["db", "upgrade"], env, timeout=300)


def seeder_help(env: dict[str, str]) -> str | None:
    """`shop seed-demo --help`, or None when the command does not exist (yet)."""
    try:
        return run_shop(["seed-demo", "--help"], env, timeout=60)
    except BenchError:
        return None


def seed_catalog(
    pg: PostgresServer,
    database: str,
    env: dict[str, str],
    products: int,
    variants: int,
    timeout: float,
) -> str | None:
    """Seed the demo catalog, then give every variant plenty of stock and VACUUM ANALYZE
    (what autovacuum does to a table soon after a bulk load: statistics for the planner, and
    the visibility map that lets index-only scans skip the table).

    Returns None when done, or why the catalog could not be seeded (no seeder yet).
    """
    help_text = seeder_help(env)
    if help_text is None:
        return "`shop seed-demo` does not exist yet"
    args = ["seed-demo", "--products", str(products), "--variants-per-product", str(variants)]
    for option in ("--products", "--variants-per-product"):
        if option not in help_text:
            return f"`shop seed-demo` has no {option} option"
    if re.search(r"--stock\b", help_text):
        args += ["--stock", str(BIG_STOCK)]
    log(f"seeding {products} products x {variants} variants (shop {' '.join(args[1:])})")
    started = time.monotonic()
    run_shop(args, env, timeout=timeout)
    log(f"seeded in {time.monotonic() - started:.1f}s")
    raise_stock(pg, database)
    pg.execute("VACUUM ANALYZE", database=database)
    return None


def raise_stock(pg: PostgresServer, database: str) -> None:
    """Give every variant at least BIG_STOCK units, so cart adds never hit 409 for stock.

    The table is found by its columns (`sku` and `stock`), not by name: the bench must not
    depend on the schema's spelling.
    """
    rows = pg.execute(
        "SELECT c.table_name FROM information_schema.columns c "
        "JOIN information_schema.columns s ON s.table_schema = c.table_schema "
        "AND s.table_name = c.table_name AND s.column_name = 'sku' "
        "WHERE c.table_schema = 'public' AND c.column_name = 'stock'",
        database=database,
    )
    for (table,) in rows:
        pg.execute(f'UPDATE "{table}" SET stock = GREATEST(stock, {BIG_STOCK})', database=database)


def flush_redis(redis: RedisServer) -> None:
    """Empty Redis (caches, carts, rate-limit counters) between servers."""
    with socket.create_connection((LOOPBACK, redis.port), timeout=5) as sock:
        sock.sendall(b"FLUSHALL\r\n")
        if not sock.recv(64).startswith(b"+OK"):
            raise BenchError("Redis FLUSHALL failed")
