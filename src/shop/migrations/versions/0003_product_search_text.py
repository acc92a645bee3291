"""one searchable text per product for `q`

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

* products.search_text: name, description and active variant SKUs, lower-cased, kept by the
  domain (Product.refresh_derived) and backfilled here.
* PostgreSQL: one GIN trigram index on it replaces the three of 0002 (name, description,
  SKU). `q` becomes a single indexable predicate, so the planner weighs a term as a whole:
  a rare term is read from the index, a common one by walking the sort order, and a page
  never has to collect every match first (the union of three index scans did).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

OLD_TRIGRAM_INDEXES = {
    "ix_products_name_trgm": ("products", "lower(name)"),
    "ix_products_description_trgm": ("products", "lower(description)"),
    "ix_variants_sku_trgm": ("variants", "lower(sku)"),
}
SEARCH_INDEX = "ix_products_search_text_trgm"


def _dialect() -> str:
    return str(op.get_bind().dialect.name)


def upgrade() -> None:
    with op.batch_alter_table("products") as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.Text(), nullable=False, server_default=""))
    concat = (
        "string_agg(sku, ' ' ORDER BY id)"
        if _dialect() == "postgresql"
        else ("group_concat(sku, ' ')")
    )
    op.execute(
        "UPDATE products SET search_text = lower(trim(name || ' ' || description || ' ' || "
        f"coalesce((SELECT {concat} FROM variants WHERE variants.product_id = products.id "
        "AND variants.is_active), '')))"
    )
    if _dialect() != "postgresql":
        return
    for name in OLD_TRIGRAM_INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    op.execute(f"CREATE INDEX {SEARCH_INDEX} ON products USING gin (search_text gin_trgm_ops)")


def downgrade() -> None:
    if _dialect() == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {SEARCH_INDEX}")
        for name, (table, expression) in OLD_TRIGRAM_INDEXES.items():
            op.execute(f"CREATE INDEX {name} ON {table} USING gin ({expression} gin_trgm_ops)")
    # Not batch mode: on SQLite it would copy the table and lose 0002's expression index
    # (lower(name)), which 0002's downgrade then drops. SQLite 3.35+ drops a column in place.
    op.execute("ALTER TABLE products DROP COLUMN search_text")
