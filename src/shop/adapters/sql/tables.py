"""Tables, and their imperative mapping onto the domain classes (the domain stays unaware).

Here `users`, the audit log and the reviews; the catalog's tables are in `catalog_tables`
and, like the shared MetaData and column types (`schema`), are named here too.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Enum,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import relationship

from shop.adapters.sql.catalog_tables import (
    attribute_values,
    attributes,
    categories,
    products,
    stock_adjustments,
    variant_attribute_values,
    variants,
)
from shop.adapters.sql.schema import (
    NAMING,
    Money,
    UTCDateTime,
    mapper_registry,
    metadata,
    one_of,
)
from shop.domain.accounts.users import Role, User
from shop.domain.audit import AuditEntry
from shop.domain.catalog.products import Product, Variant
from shop.domain.catalog.stock import StockAdjustment
from shop.domain.catalog.taxonomy import Attribute, AttributeValue, Category
from shop.domain.reviews.reviews import Review

__all__ = [
    "NAMING",
    "Money",
    "UTCDateTime",
    "attribute_values",
    "attributes",
    "audit_log",
    "categories",
    "mapper_registry",
    "metadata",
    "one_of",
    "products",
    "reviews",
    "start_mappers",
    "stock_adjustments",
    "users",
    "variant_attribute_values",
    "variants",
]

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("full_name", String(200), nullable=False, server_default=""),
    Column(
        "role",
        Enum(
            Role,
            name="user_role",
            native_enum=False,
            length=16,
            values_callable=lambda roles: [r.value for r in roles],
        ),
        nullable=False,
    ),
    Column("created_at", UTCDateTime, nullable=False),
    Column("email_verified", Boolean, nullable=False, server_default=false()),
    Column("deleted_at", UTCDateTime, nullable=True),
)

# Append-only (migration 0005 adds triggers refusing UPDATE and DELETE). No foreign key to
# users: an entry outlives its actor's account.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor_id", Integer, nullable=True),
    Column("actor_email", String(254), nullable=False, server_default=""),
    Column("source", String(16), nullable=False),
    Column("action", String(32), nullable=False),
    Column("entity", String(32), nullable=False),
    Column("entity_id", String(64), nullable=False, server_default=""),
    Column("changes", JSON().with_variant(JSONB(), "postgresql"), nullable=False),
)
Index("ix_audit_log_entity", audit_log.c.entity, audit_log.c.entity_id, audit_log.c.id)
Index("ix_audit_log_actor", audit_log.c.actor_id, audit_log.c.id)
Index("ix_audit_log_at", audit_log.c.at)

reviews = Table(
    "reviews",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("product_id", ForeignKey("products.id", ondelete="CASCADE"), nullable=False),
    # NULL once the author's account is anonymised (the review stays, detached).
    Column("user_id", ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True),
    Column("rating", SmallInteger, nullable=False),
    Column("comment", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
    # One review per user and product, whatever the concurrency.
    UniqueConstraint("product_id", "user_id", name="uq_reviews_product_user"),
)
# A product's reviews, newest first.
Index("ix_reviews_product_id_created_at", reviews.c.product_id, reviews.c.created_at, reviews.c.id)

_mapped = False


def start_mappers() -> None:
    """Map the domain classes onto the tables; safe to call more than once."""
    global _mapped
    if _mapped:
        return
    mapper_registry.map_imperatively(User, users)
    mapper_registry.map_imperatively(AuditEntry, audit_log)
    mapper_registry.map_imperatively(StockAdjustment, stock_adjustments)
    mapper_registry.map_imperatively(Category, categories)
    mapper_registry.map_imperatively(AttributeValue, attribute_values)
    mapper_registry.map_imperatively(
        Attribute,
        attributes,
        properties={
            "values": relationship(
                AttributeValue,
                order_by=attribute_values.c.id,
                cascade="all, delete-orphan",
                lazy="selectin",
            ),
        },
    )
    mapper_registry.map_imperatively(
        Variant,
        variants,
        properties={
            "attribute_values": relationship(
                AttributeValue,
                secondary=variant_attribute_values,
                order_by=attribute_values.c.attribute_id,
                lazy="selectin",
            ),
        },
    )
    mapper_registry.map_imperatively(Review, reviews)
    mapper_registry.map_imperatively(
        Product,
        products,
        exclude_properties=["rating_sum", "rating_count", "rating_average"],
        properties={
            "variants": relationship(
                Variant, order_by=variants.c.id, cascade="all, delete-orphan", lazy="selectin"
            ),
        },
    )
    _mapped = True
