"""Reviews and the products' running ratings, within the unit of work's session.

Ratings change by relative updates (`rating_count = rating_count + 1`) that take the
product's row lock, so concurrent reviews and deletes of one product queue up and all count;
the uniqueness of (product, user) is left to the database's constraint.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, case, delete, exists, literal_column, select, true, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from shop.adapters.sql import tables as orm
from shop.domain.reviews.reviews import Review

p = orm.products


def _average(rating_sum: Any, rating_count: Any) -> ColumnElement[Any]:
    """The exact average of a running sum and count (NULL at 0), in decimal arithmetic."""
    return case(
        (rating_count == 0, None),
        else_=rating_sum * literal_column("1.0") / rating_count,
    )


class SqlReviewRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, review: Review) -> None:
        self.session.add(review)

    def get(self, review_id: int) -> Review | None:
        return self.session.get(Review, review_id)

    def remove(self, review: Review) -> bool:
        result: CursorResult[Any] = self.session.execute(  # type: ignore[assignment]
            delete(orm.reviews).where(orm.reviews.c.id == review.id)
        )
        self.session.expunge(review)
        return result.rowcount == 1


class SqlProductRatings:
    def __init__(self, session: Session) -> None:
        self.session = session

    def is_visible(self, product_id: int) -> bool:
        query = select(exists().where(p.c.id == product_id, p.c.is_active == true()))
        return bool(self.session.scalar(query))

    def add_rating(self, product_id: int, rating: int) -> bool:
        return self._change(product_id, rating, 1, p.c.is_active == true()) == 1

    def remove_rating(self, product_id: int, rating: int) -> None:
        self._change(product_id, -rating, -1)

    def _change(
        self, product_id: int, delta_sum: int, delta_count: int, *rules: ColumnElement[bool]
    ) -> int:
        new_sum, new_count = p.c.rating_sum + delta_sum, p.c.rating_count + delta_count
        statement = (
            update(p)
            .where(p.c.id == product_id, *rules)
            .values(
                rating_sum=new_sum,
                rating_count=new_count,
                rating_average=_average(new_sum, new_count),
            )
        )
        result: CursorResult[Any] = self.session.execute(statement)  # type: ignore[assignment]
        return int(result.rowcount)
