"""Writing and deleting reviews. Each changes the product's rating in the same transaction and
commits as a catalog change, so the new rating shows at once in every process's reads."""

from __future__ import annotations

from shop.domain.errors import Conflict, Forbidden, NotFound
from shop.domain.reviews.reviews import Review
from shop.services.catalog.ports import CatalogVersion, commit_catalog_change
from shop.services.common import Clock
from shop.services.reviews.ports import ReviewsUnitOfWorkFactory


def write_review(
    uow_factory: ReviewsUnitOfWorkFactory,
    version: CatalogVersion,
    clock: Clock,
    *,
    product_id: int,
    user_id: int,
    rating: int,
    comment: str,
) -> int:
    """Review an active product once; returns the review's id.

    Raises ValidationFailed (rating outside 1..5, empty or too long comment), NotFound (no
    active product with that id) or Conflict (the user already reviewed it).
    """
    review = Review(product_id, user_id, rating, comment, created_at=clock.now())
    with uow_factory() as uow:
        if not uow.ratings.add_rating(product_id, review.rating):
            raise NotFound(f"No product with id {product_id}.")
        uow.reviews.add(review)
        try:
            commit_catalog_change(uow, version)
        except Conflict as exc:
            raise Conflict("You have already reviewed this product.") from exc
    assert review.id is not None, "a committed review has an id"
    return review.id


def delete_review(
    uow_factory: ReviewsUnitOfWorkFactory,
    version: CatalogVersion,
    review_id: int,
    *,
    user_id: int,
    is_admin: bool,
) -> None:
    """Delete a review: its author or an admin may.

    Raises NotFound (no such review, or one of an inactive product for a non-admin) or
    Forbidden (somebody else's review).
    """
    with uow_factory() as uow:
        review = uow.reviews.get(review_id)
        if review is None or not (is_admin or uow.ratings.is_visible(review.product_id)):
            raise NotFound(f"No review with id {review_id}.")
        if not review.may_be_deleted_by(user_id, is_admin):
            raise Forbidden("Only the author or an administrator may delete this review.")
        if not uow.reviews.remove(review):
            raise NotFound(f"No review with id {review_id}.")
        uow.ratings.remove_rating(review.product_id, review.rating)
        commit_catalog_change(uow, version)
