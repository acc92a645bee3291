"""Reviews: read by anyone, written once per product by a signed-in user, deleted by their
author or an admin."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_jwt_extended import jwt_required
from flask_smorest.pagination import PaginationParameters

from shop.entrypoints.api import BEARER, MAX_PAGE_SIZE, PAGE_SIZE, Blueprint
from shop.entrypoints.api.reviews.schemas import (
    ReviewCreateSchema,
    ReviewQuerySchema,
    ReviewSchema,
)
from shop.entrypoints.web.auth import current_user_id, is_admin, viewer_is_admin
from shop.entrypoints.web.context import adapters
from shop.services.reviews import reading, writing

blp = Blueprint("reviews", __name__, url_prefix="/api/v1", description="Reviews")


@blp.route("/products/<int:product_id>/reviews")
class ProductReviews(MethodView):
    @blp.arguments(ReviewQuerySchema, location="query")
    @blp.response(200, ReviewSchema(many=True))
    @blp.alt_response(401, response="UNAUTHORIZED", description="A bad token (none is needed).")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    @blp.doc(security=[{}, *BEARER])
    @blp.paginate(page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
    def get(
        self, query: dict[str, Any], product_id: int, pagination_parameters: PaginationParameters
    ) -> Any:
        """A product's reviews, newest first; `verified=true` keeps verified purchases only.

        404 for an unknown product, or an inactive one (except for admins).
        """
        reviews, page = adapters().reviews, pagination_parameters
        rows, page.item_count = reading.list_reviews(
            reviews.queries,
            reviews.purchases,
            product_id,
            verified_only=query["verified"],
            include_inactive=viewer_is_admin(),
            page=page.page,
            page_size=page.page_size,
        )
        return rows

    @jwt_required()
    @blp.arguments(ReviewCreateSchema)
    @blp.response(201, ReviewSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(404, response="NOT_FOUND", description="No active product with this id.")
    @blp.alt_response(409, response="CONFLICT", description="You already reviewed it.")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    @blp.doc(security=BEARER)
    def post(self, body: dict[str, Any], product_id: int) -> Any:
        """Review a product (once per user); its rating changes at once."""
        a = adapters()
        review_id = writing.write_review(
            a.reviews.uow,
            a.reviews.version,
            a.clock,
            product_id=product_id,
            user_id=current_user_id(),
            rating=body["rating"],
            comment=body["comment"],
        )
        return reading.get_review(a.reviews.queries, a.reviews.purchases, review_id)


@blp.route("/reviews/<int:review_id>")
class ReviewItem(MethodView):
    @jwt_required()
    @blp.response(204)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN", description="Somebody else's review.")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    @blp.doc(security=BEARER)
    def delete(self, review_id: int) -> None:
        """Delete a review: its author or an admin may; the product's rating changes at once."""
        reviews = adapters().reviews
        writing.delete_review(
            reviews.uow,
            reviews.version,
            review_id,
            user_id=current_user_id(),
            is_admin=is_admin(),
        )
