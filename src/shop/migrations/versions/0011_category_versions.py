"""category versions: categories.version, for edit forms that refuse stale saves

Revision ID: 0011_category_versions
Revises: 0010_email_change
Create Date: 2026-12-01

* categories.version counts the writes to a category (Category.touch); a console form carries
  the version it showed and a save over a newer one is refused. Existing rows start at 1.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_category_versions"
down_revision = "0010_email_change"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("categories") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("categories") as batch:
        batch.drop_column("version")
