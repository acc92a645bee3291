"""Catalog CSV import (dry run, apply) and export at size, on PostgreSQL + Redis + a worker.

bench/run --csv [--sizes 10000,100000] [--variants-per-product 4]

For each size: writes a catalog CSV of that many variants, uploads it to the API (gunicorn,
1 worker x 4 threads) as a dry run, waits for `shop worker` to finish it, applies it, then
exports the whole catalog. Reports rows/s of each phase and the peak RSS growth of the API
process and of the worker process (`shop worker` runs jobs in its own process, not in forked
children) over their RSS before the import's upload (before the export for the export),
sampled every 20 ms from /proc. Targets: dry run and apply >= 2,000 rows/s, export
>= 20,000 rows/s, RSS growth < 50 MB. Writes bench/results/csv-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

if __package__ in (None, ""):  # `python bench/catalog_csv.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.backing_services import backing_services, migrate, run_shop, shop_env  # noqa: E402
from bench.cpu_load import busy_warning, cpu_busy  # noqa: E402
from bench.gunicorn_server import ServerConfig, gunicorn  # noqa: E402
from bench.process_stats import PeakRss, cpu_seconds, processes, rss_kb  # noqa: E402
from bench.processes import (  # noqa: E402
    BenchError,
    Terminated,
    log,
    spawn,
    stop_on_signals,
    terminate,
)
from bench.report_output import render_table, write_results  # noqa: E402

ADMIN, PASSWORD = "bench-admin@example.com", "bench-password-123"
HEADER = (
    "product_slug,product_name,category_slug,description,image_url,product_active,"
    "sku,price,stock,variant_active,attr:Color,attr:Size\n"
)
COLORS = ("Red", "Blue", "Green", "Black", "White", "Grey", "Navy", "Olive")
TARGETS = {"dry_run": 2000.0, "apply": 2000.0, "export": 20000.0}
RSS_TARGET_MB = 50.0


def write_catalog(path: Path, variants: int, per_product: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for n in range(variants):
            p, k = divmod(n, per_product)
            out.write(
                f"bench-{p},Bench product {p},bench-cat-{p % 20},A sturdy thing,,true,"
                f"BENCH-{p}-{k},{10 + p % 90}.50,{k + 5},true,"
                f"{COLORS[k % len(COLORS)]},S{k // len(COLORS)}\n"
            )


@contextmanager
def worker(env: dict[str, str]) -> Iterator[int]:
    proc = spawn([sys.executable, "-m", "shop.entrypoints.cli.main", "worker"], env)
    try:
        time.sleep(2)
        yield proc.pid
    finally:
        terminate(proc)


def wait(base: str, headers: dict[str, str], import_id: int, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = requests.get(
            f"{base}/api/v1/admin/catalog/imports/{import_id}", headers=headers, timeout=30
        ).json()
        if body["state"] in ("done", "failed"):
            if body["state"] == "failed" or body["counts"]["error"]:
                raise BenchError(
                    f"import {import_id} failed: {body['failure']} {body['errors'][:3]}"
                )
            return dict(body)
        time.sleep(0.1)
    raise BenchError(f"import {import_id} did not finish within {timeout:g}s")


def measure_size(
    base: str, worker_pid: int, size: int, per_product: int, timeout: float
) -> list[dict[str, Any]]:
    port = base.rsplit(":", 1)[1]
    api_pids = lambda: processes(lambda _ppid, cmd: "gunicorn" in cmd and f":{port}" in cmd)  # noqa: E731
    job_pids = lambda: [worker_pid]  # noqa: E731  (jobs run in the worker process itself)
    login = requests.post(
        f"{base}/api/v1/auth/login", json={"email": ADMIN, "password": PASSWORD}, timeout=30
    )
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    rows = []
    with tempfile.TemporaryDirectory(prefix="shop-bench-csv-") as tmp:
        path = Path(tmp) / "catalog.csv"
        write_catalog(path, size, per_product)
        log(f"{size} variants: {path.stat().st_size / 1e6:.1f} MB of CSV")
        api_base = max(rss_kb(p) for p in api_pids())
        job_base = rss_kb(worker_pid)
        cpu = cpu_seconds(worker_pid)
        with PeakRss(api_pids) as api_peak, PeakRss(job_pids) as job_peak:
            started = time.monotonic()
            with path.open("rb") as file:
                response = requests.post(
                    f"{base}/api/v1/admin/catalog/imports",
                    files={"file": file},
                    headers=headers,
                    timeout=300,
                )
            if response.status_code != 202:
                raise BenchError(f"upload refused: {response.status_code} {response.text[:300]}")
            import_id = response.json()["id"]
            wait(base, headers, import_id, timeout)
            dry = time.monotonic() - started
        dry_cpu, cpu = cpu_seconds(worker_pid) - cpu, cpu_seconds(worker_pid)
        rows.append(
            _row("dry_run", size, dry, api_peak.peak_kb - api_base, job_peak.peak_kb - job_base)
            | _cpu(size, dry_cpu)
        )
        with PeakRss(api_pids) as api_peak, PeakRss(job_pids) as job_peak:
            started = time.monotonic()
            requests.post(
                f"{base}/api/v1/admin/catalog/imports/{import_id}/apply",
                headers=headers,
                timeout=60,
            ).raise_for_status()
            wait(base, headers, import_id, timeout)
            applied = time.monotonic() - started
        rows.append(
            _row("apply", size, applied, api_peak.peak_kb - api_base, job_peak.peak_kb - job_base)
            | _cpu(size, cpu_seconds(worker_pid) - cpu)
        )
        api_base = max(rss_kb(p) for p in api_pids())
        with PeakRss(api_pids) as api_peak:
            started = time.monotonic()
            with requests.get(
                f"{base}/api/v1/admin/catalog/export", headers=headers, stream=True, timeout=300
            ) as export:
                lines = sum(chunk.count(b"\n") for chunk in export.iter_content(64 * 1024))
            exported = time.monotonic() - started
        if lines - 1 < size:
            raise BenchError(f"the export has {lines - 1} rows, expected at least {size}")
        rows.append(_row("export", lines - 1, exported, api_peak.peak_kb - api_base, None))
    return rows


def _cpu(rows: int, seconds: float) -> dict[str, Any]:
    """The worker's CPU time of a phase (its maintenance passes included)."""
    return {
        "worker_cpu_seconds": round(seconds, 2),
        "rows_per_worker_cpu_second": round(rows / seconds) if seconds > 0 else None,
    }


def _row(phase: str, rows: int, seconds: float, api_kb: int, job_kb: int | None) -> dict[str, Any]:
    return {
        "phase": phase,
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds),
        "api_rss_growth_mb": round(max(api_kb, 0) / 1024, 1),
        "worker_rss_growth_mb": None if job_kb is None else round(max(job_kb, 0) / 1024, 1),
        "target_rows_per_second": TARGETS[phase],
        "worker_cpu_seconds": None,
        "rows_per_worker_cpu_second": None,
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run --csv", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="variants per run, comma-separated")
    parser.add_argument("--variants-per-product", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per phase")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    stop_on_signals()
    results: list[dict[str, Any]] = []
    busy_before = cpu_busy()
    try:
        with backing_services() as (pg, redis):
            for size in sizes:
                database = f"csv{size}"
                pg.execute(f"CREATE DATABASE {database}")
                pg.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm", database=database)
                url = pg.url_for(database)
                env = shop_env(url, redis.url, SHOP_IMPORT_MAX_BYTES=str(200 * 1024 * 1024))
                migrate(env)
                run_shop(["create-admin", ADMIN, "--password", PASSWORD], env, timeout=60)
                with (
                    gunicorn(
                        "shop.entrypoints.wsgi:app",
                        env,
                        ServerConfig(workers=1, threads=4),
                        "/healthz",
                        "the API",
                    ) as base,
                    worker(env) as worker_pid,
                ):
                    results += measure_size(
                        base, worker_pid, size, args.variants_per_product, args.timeout
                    )
    except BenchError as exc:
        log(f"set-up failed: {exc}")
        return 2
    except Terminated as exc:
        log(str(exc))
        return 128 + 15
    busy_after = cpu_busy()
    headers = [
        "phase",
        "rows",
        "seconds",
        "rows/s",
        "target",
        "API RSS +MB",
        "worker RSS +MB",
        "worker CPU s",
        "rows/worker CPU s",
    ]
    table = [
        [
            r["phase"],
            str(r["rows"]),
            f"{r['seconds']:.2f}",
            str(r["rows_per_second"]),
            f"{r['target_rows_per_second']:.0f}",
            f"{r['api_rss_growth_mb']:.1f}",
            "-" if r["worker_rss_growth_mb"] is None else f"{r['worker_rss_growth_mb']:.1f}",
            "-" if r["worker_cpu_seconds"] is None else f"{r['worker_cpu_seconds']:.1f}",
            str(r["rows_per_worker_cpu_second"] or "-"),
        ]
        for r in results
    ]
    print(render_table(headers, table))
    for busy, when in ((busy_before, "before"), (busy_after, "after")):
        if (warning := busy_warning(busy, when)) is not None:
            log(warning)
    payload = {
        "results": results,
        "rss_target_mb": RSS_TARGET_MB,
        "cpu_busy_before": round(busy_before, 2),
        "cpu_busy_after": round(busy_after, 2),
        "load_average": os.getloadavg(),
    }
    path = write_results("csv", payload)
    log(f"results written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
