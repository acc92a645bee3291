"""/metrics: Prometheus text whose counters move with the traffic, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from prometheus_client.parser import text_string_to_metric_families
from redis import Redis
from rq import Queue
from sqlalchemy import insert

from shop.adapters.sql.order_tables import outbox
from shop.entrypoints.web import metrics
from tests.integration.apps import Api, AppFactory
from tests.integration.factories import make_variant
from tests.support.log_capture import find_leaks
from tests.support.servers import RedisServer


def scrape(api: Api, headers: dict[str, str] | None = None) -> dict[tuple[str, tuple], float]:
    response = api.client.get("/metrics", headers=headers or {})
    assert response.status_code == 200, response.data
    assert response.content_type == "text/plain; version=0.0.4; charset=utf-8"
    samples: dict[tuple[str, tuple], float] = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: dict[tuple[str, tuple], float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_requests_are_counted_by_route_template_and_status(api: Api) -> None:
    variant_id = make_variant(api.adapters)
    before = scrape(api)
    for _ in range(3):
        assert api.client.get(f"/api/v1/variants/{variant_id}").status_code == 200
    assert api.client.get("/api/v1/variants/999999").status_code == 404
    assert api.client.get("/no/such/jane@example.com").status_code == 404
    after = scrape(api)

    route = "/api/v1/variants/{variant_id}"
    ok = {"method": "GET", "route": route, "status": "200"}
    assert (
        value(after, "shop_http_requests_total", **ok)
        - value(before, "shop_http_requests_total", **ok)
        == 3
    )
    missing = {"method": "GET", "route": route, "status": "404"}
    assert value(after, "shop_http_requests_total", **missing) >= 1
    unmatched = {"method": "GET", "route": "unmatched", "status": "404"}
    assert value(after, "shop_http_requests_total", **unmatched) >= 1
    count = value(after, "shop_http_request_duration_seconds_count", **ok) - value(
        before, "shop_http_request_duration_seconds_count", **ok
    )
    assert count == 3
    raw = api.client.get("/metrics").get_data(as_text=True)
    assert f'/api/v1/variants/{variant_id}"' not in raw  # never the raw path
    assert find_leaks(raw) == []


def test_cart_operations_and_catalog_cache_lookups_are_counted(api: Api) -> None:
    variant_id = make_variant(api.adapters, stock=5)
    before = scrape(api)
    added = api.client.post("/api/v1/cart/items", json={"variant_id": variant_id, "quantity": 1})
    assert added.status_code == 200
    token = {"X-Cart-Token": added.headers["X-Cart-Token"]}
    line = f"/api/v1/cart/items/{variant_id}"
    assert api.client.put(line, json={"quantity": 50}, headers=token).status_code == 409
    assert api.client.delete(line, headers=token).status_code == 200
    assert api.client.get("/api/v1/products").status_code == 200  # miss: cached now
    assert api.client.get("/api/v1/products").status_code == 200  # hit
    after = scrape(api)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("shop_cart_operations_total", operation="add", result="ok") == 1
    assert moved("shop_cart_operations_total", operation="set", result="rejected") == 1
    assert moved("shop_cart_operations_total", operation="remove", result="ok") == 1
    assert moved("shop_catalog_cache_lookups_total", result="miss") == 1
    assert moved("shop_catalog_cache_lookups_total", result="hit") == 1


def test_checkout_and_payment_counters_are_declared_and_move(api: Api) -> None:
    before = scrape(api)
    for outcome in ("placed", "out_of_stock", "idempotent_replay", "conflict", "failed"):
        assert ("shop_checkouts_total", (("outcome", outcome),)) in before
    for event in ("succeeded", "failed", "refunded", "webhook_rejected"):
        assert ("shop_payments_total", (("event", event),)) in before
    metrics.record_checkout("placed")
    metrics.record_payment("webhook_rejected")
    after = scrape(api)
    assert value(after, "shop_checkouts_total", outcome="placed") == (
        value(before, "shop_checkouts_total", outcome="placed") + 1
    )
    assert value(after, "shop_payments_total", event="webhook_rejected") == (
        value(before, "shop_payments_total", event="webhook_rejected") + 1
    )


def test_queue_depth_and_failed_jobs_come_from_redis(make_app: AppFactory, redis_url: str) -> None:
    app = make_app("postgres")
    api = Api(client=app.test_client(), app=app)
    queue = Queue("emails", connection=Redis.from_url(redis_url))
    queue.enqueue("builtins.len", "abc")
    queue.enqueue("builtins.len", "abcd")
    samples = scrape(api)
    assert value(samples, "shop_jobs_queued", queue="emails") == 2
    assert value(samples, "shop_jobs_failed", queue="emails") == 0
    assert value(samples, "shop_jobs_queued", queue="default") == 0


def test_the_outbox_backlog_counts_pending_entries_and_the_oldest_age(
    make_app: AppFactory,
) -> None:
    app = make_app("embedded")
    api = Api(client=app.test_client(), app=app)
    assert value(scrape(api), "shop_outbox_pending") == 0

    now = datetime.now(UTC)
    rows = [
        {"state": state, "created_at": now - timedelta(seconds=90), "available_at": now}
        for state in ("pending", "sent")
    ]
    with api.adapters.engine.begin() as connection:
        connection.execute(insert(outbox).values(kind="order_confirmation", payload={}), rows)
    samples = scrape(api)
    assert value(samples, "shop_outbox_pending") == 1
    assert 85 <= value(samples, "shop_outbox_oldest_pending_age_seconds") < 600


def test_a_metrics_token_is_required_when_set(make_app: AppFactory) -> None:
    app = make_app("embedded", metrics_token="scrape-me-" + "z" * 20)
    api = Api(client=app.test_client(), app=app)
    refused = api.client.get("/metrics")
    assert refused.status_code == 401
    assert refused.mimetype == "application/problem+json"
    assert api.client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    scrape(api, {"Authorization": "Bearer scrape-me-" + "z" * 20})


def test_metrics_are_not_rate_limited(make_app: AppFactory) -> None:
    app = make_app("embedded", rate_limit="2/minute")
    client = app.test_client()
    assert [client.get("/metrics").status_code for _ in range(5)] == [200] * 5
    assert client.get("/api/v1/categories").status_code == 200
    assert client.get("/api/v1/categories").status_code == 200
    assert client.get("/api/v1/categories").status_code == 429


def test_metrics_are_in_the_openapi_document(make_app: AppFactory) -> None:
    spec = make_app("embedded").test_client().get("/openapi.json").json
    operation = spec["paths"]["/metrics"]["get"]
    assert "text/plain" in operation["responses"]["200"]["content"]
    assert "401" in operation["responses"]


def test_a_catalog_read_without_redis_is_counted_as_a_cache_fallback(
    make_app: AppFactory, redis_outage: RedisServer
) -> None:
    app = make_app("postgres")
    api = Api(client=app.test_client(), app=app)
    before = scrape(api)
    redis_outage.kill()
    assert api.client.get("/api/v1/categories").status_code == 200  # from the database
    after = scrape(api)
    fallback = {"result": "fallback"}
    assert value(after, "shop_catalog_cache_lookups_total", **fallback) == (
        value(before, "shop_catalog_cache_lookups_total", **fallback) + 1
    )
    # the scrape itself still answers, without the queue gauges it could not read
    assert value(after, "shop_jobs_queued", queue="emails") == 0
