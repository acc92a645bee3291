"""Helpers of the payment tests: place a guest order, pay it, sign Stripe events."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

from tests.integration.apps import Api
from tests.integration.checkout_support import BODY, guest_cart
from tests.integration.factories import make_variant
from tests.integration.gunicorn import TEST_SECRETS
from tests.integration.shop_command import shop

SUCCEEDS = "4242424242424242"
DECLINED = "4000000000000002"


def guest_order(
    api: Api, price: str = "12.50", quantity: int = 2, stock: int = 5
) -> dict[str, Any]:
    """A pending guest order (with its `order_token` and the `variant_id` it holds)."""
    variant = make_variant(api.adapters, price=price, stock=stock)
    token = guest_cart(api.client, {variant: quantity})
    response = api.client.post("/api/v1/checkout", json=BODY, headers={"X-Cart-Token": token})
    assert response.status_code == 201, response.json
    return {**dict(response.json or {}), "variant_id": variant}


def pay(api: Api, order: dict[str, Any], card: str | None = SUCCEEDS) -> Any:
    body = {} if card is None else {"test_card": card}
    return api.client.post(
        f"/api/v1/orders/{order['id']}/payments",
        json=body,
        headers={"X-Order-Token": order["order_token"]},
    )


def read_order(api: Api, order: dict[str, Any]) -> dict[str, Any]:
    response = api.client.get(
        f"/api/v1/orders/{order['id']}", headers={"X-Order-Token": order["order_token"]}
    )
    assert response.status_code == 200, response.json
    return dict(response.json or {})


def stripe_signature(payload: bytes, secret: str, at: int | None = None) -> str:
    """Stripe's scheme: t=<unix time>,v1=<hex HMAC-SHA256(secret, "t.payload")>."""
    stamp = int(time.time()) if at is None else at
    signed = f"{stamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={digest}"


def stripe_event(event_id: str, kind: str, obj: dict[str, Any]) -> bytes:
    return json.dumps(
        {"id": event_id, "object": "event", "type": kind, "data": {"object": obj}}
    ).encode()


def run_jobs(api: Api) -> None:
    """Run the jobs the requests handed on: the inline runner's on the embedded default, a
    real `shop worker --burst` on Redis."""
    ordering = api.adapters.ordering
    if ordering.inline_refunds is not None:
        ordering.inline_refunds.drain()
        return
    settings = api.adapters.settings
    env = {
        **TEST_SECRETS,
        "SHOP_ENV": "test",
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url or "",
        "SHOP_PAYMENT_PROVIDER": settings.payment_gateway,
        "STRIPE_API_KEY": settings.stripe_api_key or "",
        "STRIPE_WEBHOOK_SECRET": settings.stripe_webhook_secret or "",
        "STRIPE_API_BASE": settings.stripe_api_base or "",
    }
    result = shop("worker", "--burst", env=env)
    assert result.returncode == 0, result.stderr[-2000:]


def payment_count(api: Api, event: str) -> float:
    """`shop_payments_total{event=...}` as /metrics shows it."""
    text = api.client.get("/metrics").get_data(as_text=True)
    prefix = f'shop_payments_total{{event="{event}"}} '
    line = next(x for x in text.splitlines() if x.startswith(prefix))
    return float(line.removeprefix(prefix))
