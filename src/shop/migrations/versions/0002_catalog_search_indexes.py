"""catalog lists: a derived price_from, sort indexes, and trigram indexes for `q`

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

* products.price_from: the lowest active variant price, kept by the domain on every variant
  write, so that sorting by price reads one indexed column instead of aggregating every
  variant of the catalog (backfilled here).
* Indexes for the sorts by price and by name.
* PostgreSQL only: GIN trigram indexes (pg_trgm) on lower(name), lower(description) and
  lower(sku). `q` matches anywhere in them (LIKE '%q%'), which a b-tree cannot serve; these
  keep search fast on a large catalog. SQLite (the embedded default) scans instead.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TRIGRAM_INDEXES = {
    "ix_products_name_trgm": ("products", "lower(name)"),
    "ix_products_description_trgm": ("products", "lower(description)"),
    "ix_variants_sku_trgm": ("variants", "lower(sku)"),
}
PRICE_DESC_INDEX = "ix_products_price_from_desc"


def _is_postgres() -> bool:
    return bool(op.get_bind().dialect.name == "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("products") as batch_op:
        batch_op.add_column(sa.Column("price_from", sa.Numeric(12, 2), nullable=True))
    op.execute(
        "UPDATE products SET price_from = (SELECT min(variants.price) FROM variants "
        "WHERE variants.product_id = products.id AND variants.is_active)"
    )
    op.create_index("ix_products_price_from", "products", ["price_from", "id"])
    op.create_index("ix_products_name_lower", "products", [sa.text("lower(name)"), "id"])
    if not _is_postgres():
        return
    # `sort=-price` puts products without a price last, which the ascending index can't.
    op.execute(f"CREATE INDEX {PRICE_DESC_INDEX} ON products (price_from DESC NULLS LAST, id DESC)")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, expression) in TRIGRAM_INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON {table} USING gin ({expression} gin_trgm_ops)")


def downgrade() -> None:
    if _is_postgres():
        for name in (*TRIGRAM_INDEXES, PRICE_DESC_INDEX):
            op.execute(f"DROP INDEX IF EXISTS {name}")
    op.drop_index("ix_products_name_lower", table_name="products")
    op.drop_index("ix_products_price_from", table_name="products")
    with op.batch_alter_table("products") as batch_op:
        batch_op.drop_column("price_from")
