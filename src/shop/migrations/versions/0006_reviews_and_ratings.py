"""reviews, and each product's running rating

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-01

* reviews: one per user and product (a unique constraint, so concurrent first reviews by
  one user make one review), rating 1..5, a plain-text comment; newest-first index per product.
* products.rating_sum, rating_count: kept by each review's transaction with relative updates;
  products.rating_average (NULL without reviews) and its indexes serve sort=rating (unrated
  last in both directions) and min_rating.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None

RATING_DESC_INDEX = "ix_products_rating_average_desc"


def upgrade() -> None:
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("rating", sa.SmallInteger(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name="fk_reviews_product_id_products",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_reviews_user_id_users", ondelete="SET NULL"
        ),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="ck_reviews_rating_range"),
        sa.UniqueConstraint("product_id", "user_id", name="uq_reviews_product_user"),
        sa.PrimaryKeyConstraint("id", name="pk_reviews"),
    )
    op.create_index(
        "ix_reviews_product_id_created_at", "reviews", ["product_id", "created_at", "id"]
    )
    op.create_index("ix_reviews_user_id", "reviews", ["user_id"])
    # Plain ADD COLUMN, not batch mode: on SQLite a batch copy would lose 0002's expression
    # index on lower(name).
    op.add_column(
        "products", sa.Column("rating_sum", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column(
        "products", sa.Column("rating_count", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column("products", sa.Column("rating_average", sa.Numeric(5, 4), nullable=True))
    op.create_index("ix_products_rating_average", "products", ["rating_average", "id"])
    if op.get_bind().dialect.name == "postgresql":
        # `sort=-rating` puts unrated products last, which the ascending index can't.
        op.execute(
            f"CREATE INDEX {RATING_DESC_INDEX} "
            "ON products (rating_average DESC NULLS LAST, id DESC)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {RATING_DESC_INDEX}")
    op.drop_index("ix_products_rating_average", table_name="products")
    for name in ("rating_average", "rating_count", "rating_sum"):
        op.execute(f"ALTER TABLE products DROP COLUMN {name}")
    op.drop_index("ix_reviews_user_id", table_name="reviews")
    op.drop_index("ix_reviews_product_id_created_at", table_name="reviews")
    op.drop_table("reviews")
