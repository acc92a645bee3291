"""Tables of payments and their ledger of provider events (migration 0009)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from shop.adapters.sql.tables import Money, UTCDateTime, metadata

PAYMENT_STATUSES = ("requires_action", "succeeded", "failed", "cancelled")

payments = Table(
    "payments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("provider", String(20), nullable=False),
    Column("reference", String(255), nullable=True),
    Column("client_secret", String(255), nullable=True),
    Column("status", String(20), nullable=False),
    Column("amount", Money, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("refunded", Money, nullable=False),
    Column("flagged", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint(
        "status IN ('requires_action', 'succeeded', 'failed', 'cancelled')", name="status_known"
    ),
    CheckConstraint("refunded >= 0 AND refunded <= amount", name="refund_within_amount"),
    UniqueConstraint("provider", "reference", name="uq_payments_provider_reference"),
)
Index("ix_payments_status_flagged", payments.c.status, payments.c.flagged)

payment_events = Table(
    "payment_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("provider", String(20), nullable=False),
    Column("event_id", String(255), nullable=False),
    Column("kind", String(80), nullable=False),
    Column("payment_id", ForeignKey("payments.id", ondelete="SET NULL"), nullable=True),
    Column("received_at", UTCDateTime, nullable=False),
    UniqueConstraint("provider", "event_id", name="uq_payment_events_provider_event_id"),
)
