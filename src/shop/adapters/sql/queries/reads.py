"""What the catalog's read queries share: the engine, the currency, and paging."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from shop.services.common import Row

NO_RATING: dict[str, Any] = {"average": None, "count": 0}  # until reviews exist


def offset(page: int, page_size: int) -> int:
    return (page - 1) * page_size


def category_of(row: Any) -> Row:
    """The nested category of a product row (category_id, category_name, category_slug)."""
    return {"id": row.category_id, "name": row.category_name, "slug": row.category_slug}


class SqlReads:
    def __init__(self, engine: Engine, currency: str) -> None:
        self.engine = engine
        self.currency = currency
