"""The catalog's tables: categories, attributes and their values, products, variants and
the stock adjustments' ledger."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    true,
)

from shop.adapters.sql.schema import Money, UTCDateTime, metadata

categories = Table(
    "categories",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(120), nullable=False),
    Column("slug", String(120), nullable=False, unique=True),
    # Category.version: bumped by every rename or re-slug (edit forms; migration 0011).
    Column("version", Integer, nullable=False, server_default="1"),
)

attributes = Table(
    "attributes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(60), nullable=False),
)
Index("uq_attributes_name_lower", func.lower(attributes.c.name), unique=True)

attribute_values = Table(
    "attribute_values",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("attribute_id", ForeignKey("attributes.id", ondelete="CASCADE"), nullable=False),
    Column("value", String(60), nullable=False),
)
Index(
    "uq_attribute_values_attribute_value_lower",
    attribute_values.c.attribute_id,
    func.lower(attribute_values.c.value),
    unique=True,
)

products = Table(
    "products",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("slug", String(120), nullable=False, unique=True),
    Column("description", Text, nullable=False, server_default=""),
    Column(
        "category_id", ForeignKey("categories.id", ondelete="RESTRICT"), nullable=False, index=True
    ),
    Column("image_url", String(500), nullable=True),
    Column("is_active", Boolean, nullable=False, server_default=true()),
    Column("created_at", UTCDateTime, nullable=False, index=True),
    Column("updated_at", UTCDateTime, nullable=False),
    # Derived: the lowest active variant price (kept by Product.refresh_derived), for sorting.
    Column("price_from", Money, nullable=True),
    # Derived: name, description and active SKUs, lower-cased (Product.refresh_derived), for q.
    Column("search_text", Text, nullable=False, server_default=""),
    # Product.version: bumped by every write to the product or its variants (edit forms).
    Column("version", Integer, nullable=False, server_default="1"),
    # Kept by the reviews' SQL adapter in each review's transaction, by relative updates
    # (rating_count = rating_count + 1): the running sum and count of the ratings, and their
    # exact average (NULL without reviews) for sort=rating and min_rating. Not mapped onto
    # the domain Product: the catalog's writes never touch them.
    Column("rating_sum", Integer, nullable=False, server_default="0"),
    Column("rating_count", Integer, nullable=False, server_default="0"),
    Column("rating_average", Numeric(5, 4), nullable=True),
)
# Product lists sort by these (migration 0002; on PostgreSQL it also adds a descending
# price index and the trigram indexes that serve `q`).
Index("ix_products_price_from", products.c.price_from, products.c.id)
Index("ix_products_name_lower", func.lower(products.c.name), products.c.id)
# sort=rating (migration 0006; on PostgreSQL also a descending index for sort=-rating).
Index("ix_products_rating_average", products.c.rating_average, products.c.id)
# The capped count of a public list, whole catalog or one category (migration 0012).
Index(
    "ix_products_active_category",
    products.c.category_id,
    postgresql_where=products.c.is_active,
    sqlite_where=products.c.is_active,
)

variants = Table(
    "variants",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("product_id", ForeignKey("products.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("sku", String(64), nullable=False, unique=True),
    Column("price", Money, nullable=False),
    Column("stock", Integer, nullable=False),
    Column("is_active", Boolean, nullable=False, server_default=true()),
    Column("combination_key", String(255), nullable=False, server_default=""),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint("stock >= 0", name="stock_not_negative"),
    CheckConstraint("price >= 0", name="price_not_negative"),
    UniqueConstraint("product_id", "combination_key", name="uq_variants_product_combination"),
)

variant_attribute_values = Table(
    "variant_attribute_values",
    metadata,
    Column("variant_id", ForeignKey("variants.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "attribute_value_id",
        ForeignKey("attribute_values.id", ondelete="RESTRICT"),
        primary_key=True,
        index=True,
    ),
)

stock_adjustments = Table(
    "stock_adjustments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("variant_id", ForeignKey("variants.id", ondelete="CASCADE"), nullable=False),
    Column("delta", Integer, nullable=False),
    Column("reason", String(200), nullable=False),
    Column("stock_after", Integer, nullable=False),
    Column("actor_id", Integer, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
)
Index("ix_stock_adjustments_variant", stock_adjustments.c.variant_id, stock_adjustments.c.id)
