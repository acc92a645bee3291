"""The Stripe provider with the real stripe-python against localstripe, and Stripe's webhook
through the real HTTP endpoint (events signed with Stripe's scheme), on both backends."""

from __future__ import annotations

import time
from typing import Any

import pytest
import stripe
from flask import Flask
from sqlalchemy import func, select

from shop.adapters.sql.payment_tables import payment_events
from tests.integration.apps import Api, AppFactory
from tests.integration.payment_support import (
    guest_order,
    pay,
    payment_count,
    read_order,
    run_jobs,
    stripe_event,
    stripe_signature,
)
from tests.support.stripe_emulator import StripeEmulator

SECRET = "whsec_test_" + "s" * 24
WEBHOOK = "/api/v1/payments/stripe/webhook"


@pytest.fixture
def app(make_app: AppFactory, backend: str, stripe_emulator: StripeEmulator) -> Flask:
    return make_app(
        backend,
        payment_provider="stripe",
        stripe_api_key="sk_test_shop",
        stripe_webhook_secret=SECRET,
        stripe_api_base=stripe_emulator.url,
    )


@pytest.fixture
def customer_stripe(stripe_emulator: StripeEmulator) -> stripe.StripeClient:
    """What the customer's browser does with Stripe.js, here through stripe-python."""
    return stripe.StripeClient("sk_test_shop", base_addresses={"api": stripe_emulator.url})


def send(api: Api, payload: bytes, signature: str | None) -> Any:
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["Stripe-Signature"] = signature
    return api.client.post(WEBHOOK, data=payload, headers=headers)


def signed(api: Api, payload: bytes) -> Any:
    return send(api, payload, stripe_signature(payload, SECRET))


def confirm(client: stripe.StripeClient, intent_id: str) -> dict[str, Any]:
    method = client.v1.payment_methods.create(
        params={
            "type": "card",
            "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"},
        }
    )
    client.v1.payment_intents.update(intent_id, params={"payment_method": method.id})
    client.v1.payment_intents.confirm(intent_id)
    return client.v1.payment_intents.retrieve(intent_id).to_dict()


def started(api: Api) -> tuple[dict[str, Any], dict[str, Any]]:
    order = guest_order(api)
    response = pay(api, order, card=None)
    assert response.status_code == 201, response.json
    return order, dict(response.json or {})


def intent_id(payment: dict[str, Any]) -> str:
    return str(payment["client_secret"]).split("_secret_")[0]


def events_stored(api: Api) -> int:
    with api.adapters.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(payment_events)) or 0)


def test_a_payment_creates_a_payment_intent_and_returns_the_same_one_while_open(
    api: Api, customer_stripe: stripe.StripeClient
) -> None:
    order, payment = started(api)
    assert payment["status"] == "requires_action"
    assert payment["provider"] == "stripe"
    assert payment["client_secret"].startswith("pi_")
    intent = customer_stripe.v1.payment_intents.retrieve(intent_id(payment)).to_dict()
    assert intent["amount"] == 2500
    assert intent["currency"] == "usd"
    assert intent["metadata"]["order_id"] == str(order["id"])
    again = pay(api, order, card=None)
    assert again.status_code == 200
    assert again.json["id"] == payment["id"]
    assert again.json["client_secret"] == payment["client_secret"]


def test_a_signed_success_pays_the_order_once_however_often_it_arrives(
    api: Api, customer_stripe: stripe.StripeClient
) -> None:
    order, payment = started(api)
    intent = confirm(customer_stripe, intent_id(payment))
    assert intent["status"] == "succeeded"
    payload = stripe_event("evt_ok_1", "payment_intent.succeeded", intent)
    assert signed(api, payload).status_code == 200
    paid = read_order(api, order)
    assert paid["status"] == "paid"
    assert paid["payment_status"] == "paid"
    replay = signed(api, payload)
    assert replay.status_code == 200
    assert events_stored(api) == 1
    assert read_order(api, order)["payments"] == paid["payments"]


def test_bad_missing_tampered_and_expired_signatures_are_400_and_change_nothing(
    api: Api, customer_stripe: stripe.StripeClient
) -> None:
    order, payment = started(api)
    intent = confirm(customer_stripe, intent_id(payment))
    payload = stripe_event("evt_bad_1", "payment_intent.succeeded", intent)
    tampered = payload.replace(b'"amount": 2500', b'"amount": 1')
    old = int(time.time()) - 301
    rejected = payment_count(api, "webhook_rejected")
    for body, signature in (
        (payload, None),
        (payload, "t=1,v1=deadbeef"),
        (payload, stripe_signature(payload, "whsec_another")),
        (tampered, stripe_signature(payload, SECRET)),
        (payload, stripe_signature(payload, SECRET, at=old)),
        (b"not json", stripe_signature(b"not json", SECRET)),
    ):
        response = send(api, body, signature)
        assert response.status_code == 400, (signature, response.json)
        assert response.content_type == "application/problem+json"
        assert SECRET not in response.get_data(as_text=True)
    assert events_stored(api) == 0
    assert read_order(api, order)["status"] == "pending"
    assert payment_count(api, "webhook_rejected") == rejected + 6


def test_events_out_of_order_never_undo_a_success(
    api: Api, customer_stripe: stripe.StripeClient
) -> None:
    order, payment = started(api)
    intent = confirm(customer_stripe, intent_id(payment))
    failed = stripe_event("evt_f_1", "payment_intent.payment_failed", {**intent, "status": "x"})
    succeeded = stripe_event("evt_s_1", "payment_intent.succeeded", intent)
    cancelled = stripe_event("evt_c_1", "payment_intent.canceled", intent)
    assert signed(api, failed).status_code == 200
    assert read_order(api, order)["payments"][0]["status"] == "failed"
    assert signed(api, succeeded).status_code == 200
    assert signed(api, cancelled).status_code == 200
    final = read_order(api, order)
    assert final["status"] == "paid"
    assert final["payments"][0]["status"] == "succeeded"
    unknown = stripe_event("evt_u_1", "customer.created", {"id": "cus_1"})
    assert signed(api, unknown).status_code == 200


def test_an_amount_that_is_not_the_total_is_flagged_and_never_pays(
    api: Api, customer_stripe: stripe.StripeClient
) -> None:
    order, payment = started(api)
    intent = confirm(customer_stripe, intent_id(payment))
    short = stripe_event("evt_m_1", "payment_intent.succeeded", {**intent, "amount": 100})
    assert signed(api, short).status_code == 200
    assert read_order(api, order)["status"] == "pending"
    admin = api.admin_headers()
    flagged = api.client.get("/api/v1/admin/payments?flagged=true", headers=admin).json
    assert [(p["id"], p["amount"], p["flagged"]) for p in flagged] == [
        (payment["id"], "1.00", True)
    ]


def test_cancelling_a_paid_order_refunds_it_through_stripe_once(
    api: Api, customer_stripe: stripe.StripeClient
) -> None:
    order, payment = started(api)
    intent = confirm(customer_stripe, intent_id(payment))
    assert (
        signed(api, stripe_event("evt_p_1", "payment_intent.succeeded", intent)).status_code == 200
    )
    admin = api.admin_headers()
    assert api.client.post(f"/api/v1/orders/{order['id']}/cancel", headers=admin).status_code == 200
    run_jobs(api)
    run_jobs(api)  # a second run refunds nothing more
    charge = customer_stripe.v1.charges.retrieve(_charge_id(intent)).to_dict()
    assert charge["amount_refunded"] == 2500
    refunds = customer_stripe.v1.refunds.list(params={"payment_intent": intent["id"]}).data
    assert len(refunds) == 1
    refunded = read_order(api, order)
    assert refunded["payment_status"] == "refunded"
    assert refunded["refunded_amount"] == "25.00"
    echo = stripe_event("evt_r_1", "charge.refunded", charge)
    assert signed(api, echo).status_code == 200
    assert read_order(api, order)["refunded_amount"] == "25.00"


def test_a_success_for_an_order_already_cancelled_is_refunded(
    api: Api, customer_stripe: stripe.StripeClient
) -> None:
    order, payment = started(api)
    admin = api.admin_headers()
    assert api.client.post(f"/api/v1/orders/{order['id']}/cancel", headers=admin).status_code == 200
    intent = confirm(customer_stripe, intent_id(payment))
    assert (
        signed(api, stripe_event("evt_l_1", "payment_intent.succeeded", intent)).status_code == 200
    )
    run_jobs(api)
    late = read_order(api, order)
    assert late["status"] == "cancelled"
    assert late["payment_status"] == "refunded"
    charge = customer_stripe.v1.charges.retrieve(_charge_id(intent)).to_dict()
    assert charge["amount_refunded"] == 2500


def _charge_id(intent: dict[str, Any]) -> str:
    charge = intent["latest_charge"]
    return str(charge if isinstance(charge, str) else charge["id"])
