"""Liveness and readiness probes for orchestrators and load balancers."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from shop.entrypoints.context import adapters
from shop.entrypoints.problems import RETRY_AFTER_SECONDS, problem

blp = Blueprint("health", __name__)


@blp.get("/healthz")
def healthz() -> Response:
    return jsonify(status="ok")


@blp.get("/readyz")
def readyz() -> Response:
    a = adapters()
    checks: dict[str, str] = {"database": _check(a.check_database)}
    if a.redis is not None:
        checks["redis"] = _check(a.check_redis)
    down = [name for name, state in checks.items() if state != "ok"]
    if down:
        return problem(
            503,
            f"Not ready: {', '.join(down)} unavailable.",
            checks=checks,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    return jsonify(status="ok", checks=checks)


def _check(probe: Any) -> str:
    try:
        probe()
    except Exception:  # noqa: BLE001 - any failure of the probe means "not ready"
        return "unavailable"
    return "ok"
