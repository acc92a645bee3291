"""What the review use cases need: the reviews and the products' running ratings behind one
unit of work, the read queries, and the order history that verifies a purchase."""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from shop.domain.reviews.reviews import Review
from shop.services.common import Page, Row, UnitOfWork, UnitOfWorkFactory


class ReviewRepository(Protocol):
    def add(self, review: Review) -> None:
        """Stage a new review. A second review of one product by one user is refused by the
        store at commit (Conflict), also when both are written at once."""
        ...

    def get(self, review_id: int) -> Review | None: ...

    def remove(self, review: Review) -> bool:
        """Delete the review now; False when it was already gone (a concurrent delete)."""
        ...


class ProductRatings(Protocol):
    """Every product's running rating sum and count, changed in the review's transaction by
    relative updates, so that concurrent reviews and deletes all count."""

    def is_visible(self, product_id: int) -> bool:
        """The product exists and is active."""
        ...

    def add_rating(self, product_id: int, rating: int) -> bool:
        """Count one more rating; False (nothing changed) when no active product has that id."""
        ...

    def remove_rating(self, product_id: int, rating: int) -> None: ...


class ReviewsUnitOfWork(UnitOfWork, Protocol):
    @property
    def reviews(self) -> ReviewRepository: ...

    @property
    def ratings(self) -> ProductRatings: ...


ReviewsUnitOfWorkFactory = UnitOfWorkFactory[ReviewsUnitOfWork]


class PurchaseRecords(Protocol):
    """Who bought what: a purchase is verified by an order in status paid, shipped or
    delivered holding a variant of the product."""

    def verified_buyers(self, product_id: int, user_ids: Collection[int]) -> set[int]:
        """Those of `user_ids` who bought the product; one query, whatever their number."""
        ...


class ReviewQueries(Protocol):
    """Reviews as rows `{id, product_id, user_id, rating, comment, created_at, author_full_name,
    author_email}` (the author's fields for naming only, never shown as they are)."""

    def product_visible(self, product_id: int, include_inactive: bool) -> bool: ...

    def reviews(self, product_id: int, verified_only: bool, page: int, page_size: int) -> Page:
        """A page of the product's reviews, newest first, and how many there are in all."""
        ...

    def review(self, review_id: int) -> Row | None: ...
