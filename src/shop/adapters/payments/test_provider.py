"""The built-in `test` provider: Stripe's test cards, settled at once, with no servers."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from shop.domain.errors import BadRequest
from shop.domain.payments.model import Payment
from shop.domain.payments.test_cards import outcome
from shop.services.payments.ports import ProviderEvent, ProviderPayment


class TestCardGateway:
    name = "test"

    def start(
        self, payment: Payment, idempotency_key: str, card: str | None = None
    ) -> ProviderPayment:
        return ProviderPayment(reference=f"test_{idempotency_key}", status=outcome(card))

    def refund(self, payment: Payment, amount: Decimal, idempotency_key: str) -> Decimal:
        return min(payment.refunded + amount, payment.amount)

    def parse_webhook(self, raw_body: bytes, headers: Mapping[str, str]) -> ProviderEvent:
        raise BadRequest("No Stripe webhook is configured (SHOP_PAYMENT_PROVIDER is test).")
