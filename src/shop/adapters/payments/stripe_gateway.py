"""Stripe through stripe-python: PaymentIntents (amounts in minor units, Shop's ids in the
metadata and the idempotency keys), refunds, and webhooks verified with its signing secret."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import stripe
from stripe._base_address import BaseAddresses

from shop.domain.errors import BadRequest
from shop.domain.payments.model import Payment, PaymentStatus
from shop.services.common import ServiceUnavailable
from shop.services.payments.ports import ProviderEvent, ProviderPayment

SIGNATURE_TOLERANCE_SECONDS = 300
MINOR_UNITS = Decimal(100)
_STATUS_OF = {
    "payment_intent.succeeded": PaymentStatus.SUCCEEDED,
    "payment_intent.payment_failed": PaymentStatus.FAILED,
    "payment_intent.canceled": PaymentStatus.CANCELLED,
}


def to_minor(amount: Decimal) -> int:
    return int((amount * MINOR_UNITS).to_integral_value())


def from_minor(value: Any) -> Decimal:
    return (Decimal(str(value)) / MINOR_UNITS).quantize(Decimal("0.01"))


class StripeGateway:
    name = "stripe"

    def __init__(self, api_key: str, webhook_secret: str, api_base: str | None = None) -> None:
        self._webhook_secret = webhook_secret
        bases: BaseAddresses = {"api": api_base} if api_base else {}
        self._client = stripe.StripeClient(api_key, base_addresses=bases, max_network_retries=2)

    def start(
        self, payment: Payment, idempotency_key: str, card: str | None = None
    ) -> ProviderPayment:
        params: dict[str, Any] = {
            "amount": to_minor(payment.amount),
            "currency": payment.currency.lower(),
            "metadata": {"order_id": str(payment.order_id), "payment_id": str(payment.id)},
        }
        intent = self._call(
            lambda: self._client.v1.payment_intents.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": idempotency_key},
            )
        )
        return ProviderPayment(reference=intent.id, client_secret=intent.client_secret)

    def refund(self, payment: Payment, amount: Decimal, idempotency_key: str) -> Decimal:
        assert payment.reference is not None
        params = {"payment_intent": payment.reference, "amount": to_minor(amount)}
        self._call(
            lambda: self._client.v1.refunds.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": idempotency_key},
            )
        )
        return payment.refunded + amount

    def parse_webhook(self, raw_body: bytes, headers: Mapping[str, str]) -> ProviderEvent:
        signature = headers.get("Stripe-Signature")
        if not signature:
            raise BadRequest("The Stripe-Signature header is missing.")
        try:
            stripe.WebhookSignature.verify_header(
                raw_body.decode("utf-8"),
                signature,
                self._webhook_secret,
                tolerance=SIGNATURE_TOLERANCE_SECONDS,
            )
            event = json.loads(raw_body)
        except (stripe.SignatureVerificationError, ValueError, UnicodeDecodeError) as exc:
            raise BadRequest("The Stripe signature does not verify.") from exc
        return _event(event)

    @staticmethod
    def _call(request: Any) -> Any:
        try:
            return request()
        except (stripe.APIConnectionError, stripe.RateLimitError) as exc:
            raise ServiceUnavailable("payments") from exc


def _event(event: Any) -> ProviderEvent:
    if not isinstance(event, dict) or not isinstance(event.get("id"), str):
        raise BadRequest("The body is not a Stripe event.")
    kind = str(event.get("type", ""))
    obj = (event.get("data") or {}).get("object") or {}
    if not isinstance(obj, dict):
        raise BadRequest("The body is not a Stripe event.")
    metadata = obj.get("metadata") or {}
    payment_id = _int(metadata.get("payment_id")) if isinstance(metadata, dict) else None
    if kind in _STATUS_OF:
        succeeded = kind == "payment_intent.succeeded"
        charged = obj.get("amount_received") or obj.get("amount")
        return ProviderEvent(
            event_id=event["id"],
            kind=kind,
            reference=_text(obj.get("id")),
            payment_id=payment_id,
            status=_STATUS_OF[kind],
            amount=from_minor(charged) if succeeded and charged is not None else None,
            currency=_text(obj.get("currency")) if succeeded else None,
        )
    if kind == "charge.refunded":
        return ProviderEvent(
            event_id=event["id"],
            kind=kind,
            reference=_text(obj.get("payment_intent")),
            payment_id=payment_id,
            refunded=from_minor(obj.get("amount_refunded", 0)),
        )
    return ProviderEvent(event_id=event["id"], kind=kind)  # stored, otherwise ignored


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
