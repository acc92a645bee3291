"""Tables of orders, their lines, the outbox and idempotency records (migration 0004).

They join the catalog's tables in one MetaData, so migrations and tests see every table.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from shop.adapters.sql.tables import Money, UTCDateTime, metadata, one_of

ORDER_STATUSES = ("pending", "paid", "shipped", "delivered", "cancelled")
OUTBOX_STATES = ("pending", "sent", "dead")


orders = Table(
    "orders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("status", String(16), nullable=False),
    Column("email", String(254), nullable=False),
    Column("full_name", String(200), nullable=False),
    Column("phone", String(40), nullable=False),
    Column("address", JSON, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("subtotal", Money, nullable=False),
    Column("total", Money, nullable=False),
    Column("token_hash", String(64), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("pay_by", UTCDateTime, nullable=True),  # migration 0009
    CheckConstraint(one_of("status", ORDER_STATUSES), name="status_known"),
)
Index("ix_orders_user_id_created_at", orders.c.user_id, orders.c.created_at)
Index("ix_orders_created_at", orders.c.created_at)
Index("ix_orders_email", orders.c.email)
Index("ix_orders_status_pay_by", orders.c.status, orders.c.pay_by)

order_lines = Table(
    "order_lines",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("variant_id", ForeignKey("variants.id", ondelete="SET NULL"), nullable=True),
    Column("product_id", Integer, nullable=False, index=True),
    Column("sku", String(64), nullable=False),
    Column("product_name", String(200), nullable=False),
    Column("attributes", JSON, nullable=False),
    Column("unit_price", Money, nullable=False),
    Column("quantity", Integer, nullable=False),
    CheckConstraint("quantity > 0", name="quantity_positive"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("state", String(8), nullable=False),
    Column("attempts", SmallInteger, nullable=False, server_default="0"),
    Column("last_error", Text, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("available_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime, nullable=True),
    CheckConstraint(one_of("state", OUTBOX_STATES), name="state_known"),
)
Index("ix_outbox_state_available_at", outbox.c.state, outbox.c.available_at)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("scope", String(80), nullable=False),
    Column("key", String(255), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("lease", String(32), nullable=True),
    Column("locked_until", UTCDateTime, nullable=True),
    Column("status_code", SmallInteger, nullable=True),
    Column("body", Text, nullable=True),
    Column("created_at", UTCDateTime, nullable=False, index=True),
    UniqueConstraint("scope", "key", name="uq_idempotency_keys_scope_key"),
)
