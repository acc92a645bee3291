"""Catalog CSV imports in integration tests: files, uploads, waiting for the job, and a real
`shop worker` process for PostgreSQL + Redis."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.apps import Api

HEADER = (
    "product_slug,product_name,category_slug,description,image_url,product_active,"
    "sku,price,stock,variant_active,attr:Color,attr:Size\n"
)
COLORS = ("Red", "Blue", "Green", "Black")
WAIT_SECONDS = 120


def catalog_csv(products: int, variants_per_product: int, *, price: str = "19.90") -> str:
    """A catalog of `products` x `variants_per_product` variants (Color and Size vary)."""
    lines = [HEADER]
    for p in range(products):
        for k in range(variants_per_product):
            color, size = COLORS[k % len(COLORS)], f"S{k // len(COLORS)}"
            lines.append(
                f"item-{p},Item {p},cat-{p % 8},Made to last,,true,"
                f"SKU-{p}-{k},{price},{10 + k},true,{color},{size}\n"
            )
    return "".join(lines)


def upload(api: Api, headers: dict[str, str], text: str, mode: str = "dry_run") -> int:
    response = api.client.post(
        "/api/v1/admin/catalog/imports",
        data={"file": (io.BytesIO(text.encode()), "catalog.csv"), "mode": mode},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert response.status_code == 202, response.json
    assert response.json is not None
    assert response.json["mode"] == mode
    return int(response.json["id"])


def report(api: Api, headers: dict[str, str], import_id: int) -> dict[str, Any]:
    response = api.client.get(f"/api/v1/admin/catalog/imports/{import_id}", headers=headers)
    assert response.status_code == 200, response.json
    return dict(response.json or {})


def wait_finished(api: Api, headers: dict[str, str], import_id: int) -> dict[str, Any]:
    """Poll until the import is done or failed; every report on the way is well formed."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        current = report(api, headers, import_id)
        assert 0 <= current["rows_done"] <= max(current["rows_total"], 0)
        if current["state"] in ("done", "failed"):
            return current
        time.sleep(0.05)
    raise AssertionError(f"import {import_id} still {current['state']} after {WAIT_SECONDS}s")


def apply(api: Api, headers: dict[str, str], import_id: int) -> dict[str, Any]:
    """Wait for the dry run, apply it, and wait for the apply."""
    checked = wait_finished(api, headers, import_id)
    assert checked["state"] == "done", checked
    response = api.client.post(f"/api/v1/admin/catalog/imports/{import_id}/apply", headers=headers)
    assert response.status_code == 202, response.json
    return wait_finished(api, headers, import_id)


@pytest.fixture
def rq_worker(
    migrated_postgres_url: str, redis_url: str, tmp_path: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """`shop worker` on the session's PostgreSQL and Redis, stopped after the test with every
    process it started (RQ's scheduler runs in a child); its output goes to a file, so a full
    pipe never stalls it."""
    env = {
        **os.environ,
        "DATABASE_URL": migrated_postgres_url,
        "REDIS_URL": redis_url,
        "SHOP_PAYMENT_PROVIDER": "test",
    }
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "shop.entrypoints.cli.main", "worker"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield worker
    finally:
        _stop_group(worker)
        if worker.returncode not in (0, -signal.SIGTERM, -signal.SIGKILL):
            print(log_path.read_text(errors="replace")[-4000:])


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.fixture
def jobs_run(backend: str, request: pytest.FixtureRequest) -> None:
    """Imports need a worker on PostgreSQL + Redis (the embedded default runs them itself)."""
    if backend == "postgres":
        request.getfixturevalue("rq_worker")
