"""Tables of the accounts feature beyond `users`: link tokens, addresses, data exports
(migration 0007). They share the one MetaData, so migrations and tests see every table."""

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
    Text,
    false,
    text,
)

from shop.adapters.sql.tables import UTCDateTime, metadata, one_of

LINK_PURPOSES = ("password_reset", "email_verification", "account_deletion", "email_change")
EXPORT_STATES = ("queued", "done", "failed")


link_tokens = Table(
    "link_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("purpose", String(24), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime, nullable=True),
    Column("superseded_at", UTCDateTime, nullable=True),
    Column("new_email", String(254), nullable=True),  # an email change's address (0010)
    CheckConstraint(one_of("purpose", LINK_PURPOSES), name="purpose_known"),
)
Index("ix_link_tokens_user_id_purpose", link_tokens.c.user_id, link_tokens.c.purpose)

addresses = Table(
    "addresses",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("full_name", String(200), nullable=False),
    Column("line1", String(200), nullable=False),
    Column("line2", String(200), nullable=False, server_default=""),
    Column("city", String(100), nullable=False),
    Column("postal_code", String(20), nullable=False),
    Column("country", String(2), nullable=False),
    Column("phone", String(40), nullable=False, server_default=""),
    Column("is_default_shipping", Boolean, nullable=False, server_default=false()),
    Column("is_default_billing", Boolean, nullable=False, server_default=false()),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
# At most one default of each kind per account, whatever the concurrency.
for _kind in ("shipping", "billing"):
    _flag = f"is_default_{_kind}"
    Index(
        f"uq_addresses_default_{_kind}",
        addresses.c.user_id,
        unique=True,
        sqlite_where=text(_flag),
        postgresql_where=text(_flag),
    )

data_exports = Table(
    "data_exports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("state", String(8), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime, nullable=True),
    Column("expires_at", UTCDateTime, nullable=True),
    Column("content", Text, nullable=True),
    CheckConstraint(one_of("state", EXPORT_STATES), name="state_known"),
)
# One export in the making per account.
Index(
    "uq_data_exports_queued",
    data_exports.c.user_id,
    unique=True,
    sqlite_where=text("state = 'queued'"),
    postgresql_where=text("state = 'queued'"),
)
