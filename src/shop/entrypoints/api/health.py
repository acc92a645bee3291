"""Liveness and readiness probes for orchestrators and load balancers."""

from __future__ import annotations

from flask import Response, jsonify
from flask.views import MethodView
from marshmallow import fields

from shop.bootstrap import Probe
from shop.entrypoints.api import Blueprint
from shop.entrypoints.api.schemas import ProblemSchema, ShopSchema
from shop.entrypoints.web.context import adapters
from shop.entrypoints.web.problems import PROBLEM_JSON, RETRY_AFTER_SECONDS, problem

blp = Blueprint("health", __name__, description="Probes")


class HealthSchema(ShopSchema):
    status = fields.String(required=True, metadata={"example": "ok"})


class ReadinessSchema(HealthSchema):
    checks = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        metadata={"example": {"database": "ok", "redis": "ok"}},
    )


class NotReadySchema(ProblemSchema):
    checks = fields.Dict(keys=fields.String(), values=fields.String())


@blp.route("/healthz")
class Liveness(MethodView):
    @blp.response(200, HealthSchema)
    def get(self) -> Response:
        """200 while the process is up (it asks no backing service)."""
        return jsonify(status="ok")


@blp.route("/readyz")
class Readiness(MethodView):
    @blp.response(200, ReadinessSchema)
    @blp.alt_response(
        503,
        schema=NotReadySchema,
        content_type=PROBLEM_JSON,
        description="A backing service does not answer; `checks` names it.",
    )
    def get(self) -> Response:
        """200 when the database (and Redis, when configured) answer."""
        checks = {name: _check(probe) for name, probe in adapters().probes.items()}
        down = [name for name, state in checks.items() if state != "ok"]
        if down:
            return problem(
                503,
                f"Not ready: {', '.join(down)} unavailable.",
                extensions={"checks": checks},
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        return jsonify(status="ok", checks=checks)


def _check(probe: Probe) -> str:
    try:
        probe()
    except Exception:  # noqa: BLE001 - any failure of the probe means "not ready"
        return "unavailable"
    return "ok"
