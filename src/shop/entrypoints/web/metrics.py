"""Prometheus metrics, correct across gunicorn worker processes.

Counters and histograms are process-wide (prometheus-client); under gunicorn the config module
(`shop.entrypoints.gunicorn_conf`) sets `PROMETHEUS_MULTIPROC_DIR`, so every worker writes its
values to files there and `/metrics`, whichever worker answers, adds them all up (dead workers'
totals included). Queue depths and the outbox backlog are asked of Redis and the database at
scrape time (`BacklogCollector`), so they are the same from every process.

Labels never carry personal data: routes are templates, outcomes are fixed words.

Recording API for the use cases' entrypoints:

    record_checkout("placed" | "out_of_stock" | "idempotent_replay" | "conflict" | "failed")
    record_payment("succeeded" | "failed" | "refunded" | "webhook_rejected")
    record_catalog_cache("hit" | "miss" | "fallback")
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Iterator
from typing import Literal, get_args

from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from shop.services.operations.ports import JobQueueStats, OutboxStats

log = logging.getLogger(__name__)

MULTIPROC_DIR_ENV = "PROMETHEUS_MULTIPROC_DIR"

CheckoutOutcome = Literal["placed", "out_of_stock", "idempotent_replay", "conflict", "failed"]
PaymentEvent = Literal["succeeded", "failed", "refunded", "webhook_rejected"]
CacheResult = Literal["hit", "miss", "fallback"]
CartOperation = Literal["add", "set", "remove", "clear", "merge"]

REQUESTS = Counter("shop_http_requests", "HTTP requests answered.", ["method", "route", "status"])
REQUEST_SECONDS = Histogram(
    "shop_http_request_duration_seconds",
    "Time to answer an HTTP request.",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
CART_OPERATIONS = Counter(
    "shop_cart_operations", "Cart writes, by operation and result.", ["operation", "result"]
)
CATALOG_CACHE = Counter(
    "shop_catalog_cache_lookups",
    "Public catalog reads: served from the cache (hit), cached now (miss), or from the "
    "database because the cache did not answer (fallback).",
    ["result"],
)
CHECKOUTS = Counter("shop_checkouts", "Checkout attempts by outcome.", ["outcome"])
PAYMENTS = Counter("shop_payments", "Payment events by kind.", ["event"])

for _outcome in get_args(CheckoutOutcome):
    CHECKOUTS.labels(outcome=_outcome)
for _event in get_args(PaymentEvent):
    PAYMENTS.labels(event=_event)
for _result in get_args(CacheResult):
    CATALOG_CACHE.labels(result=_result)


def record_checkout(outcome: CheckoutOutcome) -> None:
    CHECKOUTS.labels(outcome=outcome).inc()


def record_payment(event: PaymentEvent) -> None:
    PAYMENTS.labels(event=event).inc()


def record_catalog_cache(result: CacheResult) -> None:
    CATALOG_CACHE.labels(result=result).inc()


def record_request(method: str, route: str, status: int, seconds: float) -> None:
    count, duration = _request_series(method, route, status)
    count.inc()
    duration.observe(seconds)


@functools.lru_cache(maxsize=1024)
def _request_series(method: str, route: str, status: int) -> tuple[Counter, Histogram]:
    """The two labelled series of a (method, route, status), looked up once per process."""
    labels = {"method": method, "route": route, "status": str(status)}
    return REQUESTS.labels(**labels), REQUEST_SECONDS.labels(**labels)


def record_cart_operation(operation: CartOperation, status: int) -> None:
    result = "ok" if status < 400 else ("rejected" if status < 500 else "error")
    CART_OPERATIONS.labels(operation=operation, result=result).inc()


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_DIR_ENV) or None


class BacklogCollector(Collector):
    """Job queue depths, failed jobs and the outbox backlog, read when scraped.

    A backing service that does not answer leaves its gauges out of that scrape (and says
    so in the log) rather than failing the whole scrape.
    """

    def __init__(self, queues: JobQueueStats, outbox: OutboxStats) -> None:
        self._queues = queues
        self._outbox = outbox

    def collect(self) -> Iterator[Metric]:
        yield from self._queue_metrics()
        yield from self._outbox_metrics()

    def _queue_metrics(self) -> Iterator[Metric]:
        try:
            depths = self._queues.depths()
        except Exception as exc:  # noqa: BLE001 - a scrape must not fail with Redis
            log.warning("job queue depths unavailable: %s", type(exc).__name__)
            return
        if not depths:
            return
        queued = GaugeMetricFamily("shop_jobs_queued", "Jobs waiting in a queue.", labels=["queue"])
        failed = GaugeMetricFamily(
            "shop_jobs_failed", "Jobs in a queue's failed registry.", labels=["queue"]
        )
        for depth in depths:
            queued.add_metric([depth.name], depth.queued)
            failed.add_metric([depth.name], depth.failed)
        yield queued
        yield failed

    def _outbox_metrics(self) -> Iterator[Metric]:
        try:
            backlog = self._outbox.backlog()
        except Exception as exc:  # noqa: BLE001 - a scrape must not fail with the database
            log.warning("outbox backlog unavailable: %s", type(exc).__name__)
            return
        if backlog is None:  # no outbox in this database yet
            return
        yield GaugeMetricFamily(
            "shop_outbox_pending", "Outbox records not sent yet.", value=backlog.pending
        )
        yield GaugeMetricFamily(
            "shop_outbox_oldest_pending_age_seconds",
            "Age of the oldest unsent outbox record (0 when none).",
            value=backlog.oldest_age_seconds,
        )
