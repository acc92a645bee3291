"""`GET /metrics` (Prometheus text format) and the per-request observations behind it.

When `SHOP_METRICS_TOKEN` is set, a scrape needs `Authorization: Bearer <that token>` (401
otherwise). The endpoint is never rate limited (see `UNLIMITED_PATHS`).
"""

from __future__ import annotations

import hmac

from flask import Flask, Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from shop.entrypoints.api.schemas import ProblemSchema
from shop.entrypoints.web import metrics
from shop.entrypoints.web.problems import PROBLEM_JSON, problem
from shop.entrypoints.web.request_log import elapsed_seconds, route_template

blp = Blueprint("metrics", __name__, description="Operations")
EXTENSION = "shop_metrics"
# The text format every Prometheus understands (the names and labels here need no escaping).
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

# Which cart write a (method, route template) is; other routes are not cart operations.
CART_OPERATIONS: dict[tuple[str, str], metrics.CartOperation] = {
    ("POST", "/api/v1/cart/items"): "add",
    ("PUT", "/api/v1/cart/items/{variant_id}"): "set",
    ("DELETE", "/api/v1/cart/items/{variant_id}"): "remove",
    ("DELETE", "/api/v1/cart"): "clear",
    ("POST", "/api/v1/cart/merge"): "merge",
}


class MetricsState:
    def __init__(self, backlog: metrics.BacklogCollector, token: str | None) -> None:
        self.backlog = CollectorRegistry(auto_describe=False)
        self.backlog.register(backlog)
        self.token = token

    def exposition(self) -> bytes:
        directory = metrics.multiprocess_dir()
        if directory is None:
            process = generate_latest(REGISTRY)
        else:
            registry = CollectorRegistry()
            MultiProcessCollector(registry, path=directory)
            process = generate_latest(registry)
        return process + generate_latest(self.backlog)

    def authorised(self, header: str | None) -> bool:
        if self.token is None:
            return True
        expected = f"Bearer {self.token}".encode()
        return hmac.compare_digest((header or "").encode(), expected)


def _observe(response: Response) -> Response:
    route = route_template()
    metrics.record_request(request.method, route, response.status_code, elapsed_seconds())
    operation = CART_OPERATIONS.get((request.method, route))
    if operation is not None:
        metrics.record_cart_operation(operation, response.status_code)
    return response


@blp.route("/metrics")
class Metrics(MethodView):
    @blp.response(
        200,
        {"type": "string"},
        content_type="text/plain",
        description="Prometheus text format 0.0.4.",
    )
    @blp.alt_response(
        401,
        schema=ProblemSchema,
        content_type=PROBLEM_JSON,
        description="SHOP_METRICS_TOKEN is set and this bearer token is not it.",
    )
    def get(self) -> Response:
        """Request counts and latencies by route and status, cart, checkout, payment and
        catalog cache counters, job queue depths, failed jobs and the outbox backlog."""
        state: MetricsState = current_app.extensions[EXTENSION]
        if not state.authorised(request.headers.get("Authorization")):
            return problem(
                401, "A valid metrics token is required.", headers={"WWW-Authenticate": "Bearer"}
            )
        return Response(state.exposition(), status=200, content_type=CONTENT_TYPE)


def init_metrics(app: Flask, backlog: metrics.BacklogCollector, token: str | None) -> None:
    app.extensions[EXTENSION] = MetricsState(backlog, token)
    app.after_request(_observe)
