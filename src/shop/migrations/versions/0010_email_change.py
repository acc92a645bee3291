"""email change: a link token may carry the new address it confirms

Revision ID: 0010_email_change
Revises: 0009
Create Date: 2026-12-01

* link_tokens.new_email: the address an email change moves to, kept while the token may
  still be used.
* link_tokens.purpose: 'email_change' joins the known purposes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_email_change"
down_revision = "0009"
branch_labels = None
depends_on = None

BEFORE = ("password_reset", "email_verification", "account_deletion")
AFTER = (*BEFORE, "email_change")
CHECK = "ck_link_tokens_purpose_known"


def _purpose_in(purposes: tuple[str, ...]) -> str:
    return "purpose IN ({})".format(", ".join(f"'{p}'" for p in purposes))


def upgrade() -> None:
    with op.batch_alter_table("link_tokens") as batch:
        batch.add_column(sa.Column("new_email", sa.String(length=254), nullable=True))
        batch.drop_constraint(op.f(CHECK), type_="check")
        batch.create_check_constraint(op.f(CHECK), _purpose_in(AFTER))


def downgrade() -> None:
    op.execute("DELETE FROM link_tokens WHERE purpose = 'email_change'")
    with op.batch_alter_table("link_tokens") as batch:
        batch.drop_constraint(op.f(CHECK), type_="check")
        batch.create_check_constraint(op.f(CHECK), _purpose_in(BEFORE))
        batch.drop_column("new_email")
