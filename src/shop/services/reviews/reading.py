"""Public reads of reviews: newest first, authors named without their email, and each
review's verified purchase worked out when it is read (one lookup per page), so a review
becomes verified as soon as its author's order is paid."""

from __future__ import annotations

from shop.domain.errors import NotFound
from shop.domain.reviews.authors import author_name
from shop.services.common import Page, Row
from shop.services.reviews.ports import PurchaseRecords, ReviewQueries


def list_reviews(
    queries: ReviewQueries,
    purchases: PurchaseRecords,
    product_id: int,
    *,
    verified_only: bool,
    include_inactive: bool,
    page: int,
    page_size: int,
) -> Page:
    """A page of a product's reviews and their total. Raises NotFound for an unknown product,
    or an inactive one unless `include_inactive`."""
    if not queries.product_visible(product_id, include_inactive):
        raise NotFound(f"No product with id {product_id}.")
    rows, total = queries.reviews(product_id, verified_only, page, page_size)
    if verified_only:
        return [_shown(row, verified=True) for row in rows], total
    return _with_purchases(purchases, product_id, rows), total


def get_review(queries: ReviewQueries, purchases: PurchaseRecords, review_id: int) -> Row:
    """One review as the list shows it. Raises NotFound."""
    row = queries.review(review_id)
    if row is None:
        raise NotFound(f"No review with id {review_id}.")
    (shown,) = _with_purchases(purchases, row["product_id"], [row])
    return shown


def _with_purchases(purchases: PurchaseRecords, product_id: int, rows: list[Row]) -> list[Row]:
    authors = {row["user_id"] for row in rows if row["user_id"] is not None}
    buyers = purchases.verified_buyers(product_id, authors) if authors else set()
    return [_shown(row, verified=row["user_id"] in buyers) for row in rows]


def _shown(row: Row, *, verified: bool) -> Row:
    return {
        "id": row["id"],
        "rating": row["rating"],
        "comment": row["comment"],
        "author_name": author_name(row["author_full_name"], row["author_email"]),
        "verified_purchase": verified,
        "created_at": row["created_at"],
    }
