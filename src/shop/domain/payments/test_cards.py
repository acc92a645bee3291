"""The built-in `test` provider's cards, after Stripe's test card numbers."""

from __future__ import annotations

from shop.domain.errors import ValidationFailed
from shop.domain.payments.model import PaymentStatus

SUCCEEDS = "4242424242424242"
DECLINED = "4000000000000002"
_OUTCOMES = {SUCCEEDS: PaymentStatus.SUCCEEDED, DECLINED: PaymentStatus.FAILED}


def outcome(card: str | None) -> PaymentStatus:
    """What paying with `card` does; ValidationFailed for any other number."""
    if card not in _OUTCOMES:
        raise ValidationFailed(
            {"test_card": [f"Use {SUCCEEDS} (succeeds) or {DECLINED} (declined)."]}
        )
    return _OUTCOMES[card]
