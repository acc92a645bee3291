"""The payment section of the console's order page: the order's payments and its refunds,
read from the order and from the refund entries of the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from shop.domain.orders.model import Order
from shop.domain.orders.status import OrderStatus
from shop.services.audit import log
from shop.services.audit.ports import AuditFilter, AuditQueries

MOST_REFUNDS_SHOWN = 50


@dataclass(frozen=True)
class RefundRow:
    at: datetime
    payment_id: str
    amount: Decimal
    status: str  # "requested" (an admin's cancel) or "refunded" (the provider confirmed)
    by: str


@dataclass(frozen=True)
class PaymentSection:
    order: Order
    refunds: list[RefundRow]

    @property
    def refund_pending(self) -> Decimal:
        """What a cancelled order's charges still wait to have refunded (by a job)."""
        if self.order.status != OrderStatus.CANCELLED:
            return Decimal("0.00")
        return self.order.refundable


def payment_section(audit: AuditQueries, order: Order) -> PaymentSection:
    rows: list[RefundRow] = []
    for payment in order.payments:  # an order has a few payments: one read each
        entries, _ = log.list_entries(
            audit,
            AuditFilter(entity="payment", entity_id=str(payment.id)),
            1,
            MOST_REFUNDS_SHOWN,
        )
        rows += [row for entry in entries if (row := _refund_row(entry)) is not None]
    return PaymentSection(order, sorted(rows, key=lambda row: row.at))


def _refund_row(entry: dict[str, Any]) -> RefundRow | None:
    if entry["action"] != "refund":
        return None
    changes = entry["changes"]
    by = entry["actor_email"] or entry["source"]
    if "refund_requested" in changes:
        amount, status = Decimal(changes["refund_requested"][1]), "requested"
    elif "refunded" in changes:
        before, after = changes["refunded"]
        amount, status, by = Decimal(after) - Decimal(before), "refunded", "provider"
    else:
        return None
    return RefundRow(entry["at"], entry["entity_id"], amount, status, by)
