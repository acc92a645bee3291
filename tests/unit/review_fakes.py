"""In-memory fakes of the review ports: changes are staged and applied only on commit, and the
commit refuses a second review of one product by one user, as the database's constraint does."""

from __future__ import annotations

import itertools
from collections.abc import Collection
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from shop.domain.errors import Conflict
from shop.domain.reviews.reviews import Review
from shop.services.common import Page, Row
from shop.services.reviews.ports import PurchaseRecords, ReviewQueries, ReviewsUnitOfWorkFactory

_ids = itertools.count(1)


@dataclass
class Store:
    """What the fake database holds."""

    active: dict[int, bool] = field(default_factory=dict)  # product id -> is_active
    ratings: dict[int, tuple[int, int]] = field(default_factory=dict)  # id -> (sum, count)
    reviews: dict[int, Review] = field(default_factory=dict)
    authors: dict[int, tuple[str, str]] = field(default_factory=dict)  # user -> (name, email)

    def add_product(self, product_id: int, active: bool = True) -> int:
        self.active[product_id] = active
        self.ratings[product_id] = (0, 0)
        return product_id


class FakeReviewRepository:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.added: list[Review] = []
        self.removed: list[int] = []

    def add(self, review: Review) -> None:
        self.added.append(review)

    def get(self, review_id: int) -> Review | None:
        return self.store.reviews.get(review_id)

    def remove(self, review: Review) -> bool:
        gone = review.id in self.removed or review.id not in self.store.reviews
        self.removed.append(review.id or 0)
        return not gone


class FakeProductRatings:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.changes: list[tuple[int, int, int]] = []

    def is_visible(self, product_id: int) -> bool:
        return self.store.active.get(product_id, False)

    def add_rating(self, product_id: int, rating: int) -> bool:
        if not self.is_visible(product_id):
            return False
        self.changes.append((product_id, rating, 1))
        return True

    def remove_rating(self, product_id: int, rating: int) -> None:
        self.changes.append((product_id, -rating, -1))


class FakeReviewsUnitOfWork:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.committed = False

    def __enter__(self) -> Self:
        self.reviews = FakeReviewRepository(self.store)
        self.ratings = FakeProductRatings(self.store)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Leaving without commit drops what was staged."""

    def commit(self) -> None:
        taken = {(r.product_id, r.user_id) for r in self.store.reviews.values()}
        for review in self.reviews.added:
            if (review.product_id, review.user_id) in taken:
                raise Conflict("The change conflicts with existing data.")
        for review in self.reviews.added:
            review.id = next(_ids)
            self.store.reviews[review.id] = review
        for review_id in self.reviews.removed:
            self.store.reviews.pop(review_id, None)
        for product_id, delta_sum, delta_count in self.ratings.changes:
            total, count = self.store.ratings[product_id]
            self.store.ratings[product_id] = (total + delta_sum, count + delta_count)
        self.committed = True

    def rollback(self) -> None:
        pass


class FakeReviewsUnitOfWorkFactory:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.made: list[FakeReviewsUnitOfWork] = []

    def __call__(self) -> FakeReviewsUnitOfWork:
        self.made.append(FakeReviewsUnitOfWork(self.store))
        return self.made[-1]


class FakeReviewQueries:
    def __init__(self, store: Store, purchases: FakePurchaseRecords) -> None:
        self.store = store
        self.purchases = purchases

    def product_visible(self, product_id: int, include_inactive: bool) -> bool:
        known = product_id in self.store.active
        return known and (include_inactive or self.store.active[product_id])

    def reviews(self, product_id: int, verified_only: bool, page: int, page_size: int) -> Page:
        found = [
            r
            for r in self.store.reviews.values()
            if r.product_id == product_id
            and (not verified_only or (r.user_id, product_id) in self.purchases.bought)
        ]
        found.sort(key=lambda r: (r.created_at, r.id or 0), reverse=True)
        start = (page - 1) * page_size
        return [self._row(r) for r in found[start : start + page_size]], len(found)

    def review(self, review_id: int) -> Row | None:
        found = self.store.reviews.get(review_id)
        return None if found is None else self._row(found)

    def _row(self, review: Review) -> Row:
        name, email = self.store.authors.get(review.user_id or 0, ("", ""))
        row: dict[str, Any] = {
            "id": review.id,
            "product_id": review.product_id,
            "user_id": review.user_id,
            "rating": review.rating,
            "comment": review.comment,
            "created_at": review.created_at,
            "author_full_name": name,
            "author_email": email or None,
        }
        return row


class FakePurchaseRecords:
    """`bought` holds (user id, product id) pairs; `calls` counts the lookups."""

    def __init__(self) -> None:
        self.bought: set[tuple[int | None, int]] = set()
        self.calls = 0

    def verified_buyers(self, product_id: int, user_ids: Collection[int]) -> set[int]:
        self.calls += 1
        return {user for user in user_ids if (user, product_id) in self.bought}


if TYPE_CHECKING:  # mypy checks the fakes against the ports the services declare
    _uow: ReviewsUnitOfWorkFactory = FakeReviewsUnitOfWorkFactory(Store())
    _purchases: PurchaseRecords = FakePurchaseRecords()
    _queries: ReviewQueries = FakeReviewQueries(Store(), FakePurchaseRecords())
