"""Bulk reads of the catalog by the keys import rows carry (slugs and SKUs)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from shop.adapters.sql import tables as orm
from shop.domain.catalog.products import Product
from shop.domain.catalog.taxonomy import Category


class SqlCatalogByKey:
    def __init__(self, session: Session) -> None:
        self.session = session

    def products_by_slug(self, slugs: Iterable[str], lock: bool) -> dict[str, Product]:
        wanted = sorted(set(slugs))
        if not wanted:
            return {}
        query = (
            select(Product)
            .where(orm.products.c.slug.in_(wanted))
            .order_by(orm.products.c.id)  # locks taken in id order, as every writer does
        )
        if lock:
            query = query.with_for_update(of=orm.products)
        return {p.slug: p for p in self.session.scalars(query)}

    def sku_owners(self, skus: Iterable[str]) -> dict[str, str]:
        wanted = sorted(set(skus))
        if not wanted:
            return {}
        v, p = orm.variants, orm.products
        query = select(v.c.sku, p.c.slug).join(p, p.c.id == v.c.product_id)
        return {sku: slug for sku, slug in self.session.execute(query.where(v.c.sku.in_(wanted)))}

    def categories_by_slug(self, slugs: Iterable[str]) -> dict[str, Category]:
        wanted = sorted(set(slugs))
        if not wanted:
            return {}
        query = select(Category).where(orm.categories.c.slug.in_(wanted))
        return {c.slug: c for c in self.session.scalars(query)}

    def release(self) -> None:
        self.session.flush()
        self.session.expunge_all()
