"""payments: payments, their event ledger, and the orders' pay-by time

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

MONEY = sa.Numeric(12, 2)
UTC_TIME = sa.DateTime(timezone=True)

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("pay_by", UTC_TIME, nullable=True))
    op.create_index("ix_orders_status_pay_by", "orders", ["status", "pay_by"])
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "order_id",
            sa.Integer(),
            sa.ForeignKey("orders.id", name="fk_payments_order_id_orders", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("provider", sa.String(20), nullable=False),
        sa.Column("reference", sa.String(255), nullable=True),
        sa.Column("client_secret", sa.String(255), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("refunded", MONEY, nullable=False),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.CheckConstraint(
            "status IN ('requires_action', 'succeeded', 'failed', 'cancelled')",
            name="ck_payments_status_known",
        ),
        sa.CheckConstraint(
            "refunded >= 0 AND refunded <= amount", name="ck_payments_refund_within_amount"
        ),
        sa.UniqueConstraint("provider", "reference", name="uq_payments_provider_reference"),
    )
    op.create_index("ix_payments_order_id", "payments", ["order_id"])
    op.create_index("ix_payments_status_flagged", "payments", ["status", "flagged"])
    op.create_table(
        "payment_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("provider", sa.String(20), nullable=False),
        sa.Column("event_id", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(80), nullable=False),
        sa.Column(
            "payment_id",
            sa.Integer(),
            sa.ForeignKey(
                "payments.id", name="fk_payment_events_payment_id_payments", ondelete="SET NULL"
            ),
            nullable=True,
        ),
        sa.Column("received_at", UTC_TIME, nullable=False),
        sa.UniqueConstraint("provider", "event_id", name="uq_payment_events_provider_event_id"),
    )


def downgrade() -> None:
    op.drop_table("payment_events")
    op.drop_table("payments")
    op.drop_index("ix_orders_status_pay_by", table_name="orders")
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("pay_by")
