"""Reviews as read models: a page costs a count and a select (the author joined), plus the
product check; verified purchases are looked up per page by the PurchaseRecords port."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, Select, exists, func, select, true

from shop.adapters.sql import tables
from shop.adapters.sql.engine import connect
from shop.adapters.sql.queries.purchases import bought
from shop.adapters.sql.queries.reads import offset
from shop.services.common import Page, Row

r = tables.reviews
u = tables.users
p = tables.products


def _with_author() -> Select[Any]:
    return select(
        r.c.id,
        r.c.product_id,
        r.c.user_id,
        r.c.rating,
        r.c.comment,
        r.c.created_at,
        u.c.full_name.label("author_full_name"),
        u.c.email.label("author_email"),
    ).select_from(r.outerjoin(u, u.c.id == r.c.user_id))


class SqlReviewQueries:
    """The ReviewQueries port on SQLAlchemy Core."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def product_visible(self, product_id: int, include_inactive: bool) -> bool:
        rules = [p.c.id == product_id]
        if not include_inactive:
            rules.append(p.c.is_active == true())
        with connect(self.engine) as connection:
            return bool(connection.scalar(select(exists().where(*rules))))

    def reviews(self, product_id: int, verified_only: bool, page: int, page_size: int) -> Page:
        rules = [r.c.product_id == product_id]
        if verified_only:
            rules.append(bought(r.c.user_id, product_id))
        count = select(func.count()).select_from(r).where(*rules)
        query = (
            _with_author()
            .where(*rules)
            .order_by(r.c.created_at.desc(), r.c.id.desc())
            .limit(page_size)
            .offset(offset(page, page_size))
        )
        with connect(self.engine) as connection:
            total = int(connection.scalar(count) or 0)
            if total <= offset(page, page_size):
                return [], total
            return [dict(row) for row in connection.execute(query).mappings()], total

    def review(self, review_id: int) -> Row | None:
        with connect(self.engine) as connection:
            row = connection.execute(_with_author().where(r.c.id == review_id)).mappings().first()
        return None if row is None else dict(row)
