"""The catalog's repositories: load and add whole aggregates within the unit of work's session."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Table, exists, func, or_, select
from sqlalchemy.orm import Session

from shop.adapters.sql import tables as orm
from shop.adapters.sql.order_tables import order_lines
from shop.domain.catalog.products import Product, Variant
from shop.domain.catalog.taxonomy import Attribute, Category


def _slugs_like(session: Session, table: Table, base: str) -> set[str]:
    rows = session.scalars(
        select(table.c.slug).where(or_(table.c.slug == base, table.c.slug.like(f"{base}-%")))
    )
    return set(rows)


class SqlCategoryRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, category: Category) -> None:
        self.session.add(category)

    def get(self, category_id: int, *, for_update: bool = False) -> Category | None:
        if not for_update:
            return self.session.get(Category, category_id)
        return self.session.get(Category, category_id, with_for_update=True, populate_existing=True)

    def delete(self, category: Category) -> None:
        self.session.delete(category)

    def slugs_like(self, base: str) -> set[str]:
        return _slugs_like(self.session, orm.categories, base)

    def in_use(self, category_id: int) -> bool:
        query = select(exists().where(orm.products.c.category_id == category_id))
        return bool(self.session.scalar(query))


class SqlAttributeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, attribute: Attribute) -> None:
        self.session.add(attribute)

    def get(self, attribute_id: int) -> Attribute | None:
        return self.session.get(Attribute, attribute_id)

    def get_by_name(self, name: str) -> Attribute | None:
        query = select(Attribute).where(func.lower(orm.attributes.c.name) == name.strip().lower())
        return self.session.scalars(query).first()

    def by_names(self, names: Iterable[str]) -> dict[str, Attribute]:
        wanted = {n.strip().lower() for n in names}
        if not wanted:
            return {}
        query = select(Attribute).where(func.lower(orm.attributes.c.name).in_(wanted))
        return {a.name.lower(): a for a in self.session.scalars(query)}


class SqlProductRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, product: Product) -> None:
        self.session.add(product)

    def get(self, product_id: int) -> Product | None:
        """The product and its variants, locked until the commit (on PostgreSQL): two
        writes to one product (e.g. its variants' prices, from which its price_from is
        derived) take turns instead of overwriting each other."""
        return self.session.get(Product, product_id, with_for_update=True, populate_existing=True)

    def delete(self, product: Product) -> None:
        self.session.delete(product)

    def slugs_like(self, base: str) -> set[str]:
        return _slugs_like(self.session, orm.products, base)

    def ever_ordered(self, product_id: int) -> bool:
        query = select(exists().where(order_lines.c.product_id == product_id))
        return bool(self.session.scalar(query))


class SqlVariantRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, variant_id: int) -> Variant | None:
        return self.session.get(Variant, variant_id)

    def sku_taken(self, sku: str, except_id: int | None = None) -> bool:
        query = select(orm.variants.c.id).where(orm.variants.c.sku == sku)
        if except_id is not None:
            query = query.where(orm.variants.c.id != except_id)
        return self.session.scalar(query) is not None
