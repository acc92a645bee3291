"""How refunds appear in the audit log (entity `payment`, action `refund`): the admin's
request, written with the cancel that asks for it, and each growth of the refunded amount,
written with the change when the provider confirms it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from shop.domain.audit import SYSTEM, Actor, AuditEntry
from shop.domain.money import to_amount
from shop.domain.payments.model import Payment


def _shown(amount: Decimal) -> str:
    return str(to_amount(amount))


def refund_requested(actor: Actor, at: datetime, payment: Payment) -> AuditEntry:
    """An admin's cancel asks for what is left of `payment` to be refunded."""
    changes = {"refund_requested": [None, _shown(payment.refundable)]}
    return AuditEntry.of(actor, at, "refund", "payment", payment.id, changes)


def refund_recorded(at: datetime, payment: Payment, refunded_before: Decimal) -> AuditEntry:
    """The provider refunded: `refunded` grew from `refunded_before` (by the system: a job or
    a provider event carries it out)."""
    changes = {"refunded": [_shown(refunded_before), _shown(payment.refunded)]}
    return AuditEntry.of(SYSTEM, at, "refund", "payment", payment.id, changes)
