"""Tables, and their imperative mapping onto the domain classes (the domain stays unaware)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    func,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import registry, relationship

from shop.domain.accounts.users import Role, User
from shop.domain.audit import AuditEntry
from shop.domain.catalog.products import Product, Variant
from shop.domain.catalog.stock import StockAdjustment
from shop.domain.catalog.taxonomy import Attribute, AttributeValue, Category
from shop.domain.reviews.reviews import Review

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)
mapper_registry = registry(metadata=metadata)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Shop stores UTC-aware times only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Money = Numeric(12, 2, asdecimal=True)


def one_of(column: str, values: tuple[str, ...]) -> str:
    """A CHECK constraint's text: `column` holds one of `values`."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


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
