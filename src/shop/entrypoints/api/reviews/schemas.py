"""The reviews' JSON shapes (API.md "Reviews"). Comments are plain text, returned as written."""

from __future__ import annotations

from marshmallow import EXCLUDE, fields, validate

from shop.domain.reviews.reviews import MAX_COMMENT_LENGTH, MAX_RATING, MIN_RATING
from shop.entrypoints.api.schemas import ShopSchema, StrictSchema


class ReviewCreateSchema(StrictSchema):
    rating = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=MIN_RATING, max=MAX_RATING),
        metadata={"example": 5},
    )
    comment = fields.String(
        required=True,
        validate=validate.Length(min=1, max=MAX_COMMENT_LENGTH),
        metadata={
            "description": "Plain text (never interpreted as HTML); line breaks allowed.",
            "example": "Sturdy, and the battery lasts two days.",
        },
    )


class ReviewQuerySchema(ShopSchema):
    class Meta:
        unknown = EXCLUDE

    verified = fields.Boolean(
        load_default=False,
        metadata={"description": "true: only reviews by verified purchasers."},
    )


class ReviewSchema(ShopSchema):
    id = fields.Integer(required=True)
    rating = fields.Integer(required=True, metadata={"minimum": MIN_RATING, "maximum": MAX_RATING})
    comment = fields.String(required=True, metadata={"description": "Plain text, as written."})
    author_name = fields.String(
        required=True,
        metadata={
            "description": "The author's full name, or a masked email (a***@example.com).",
        },
    )
    verified_purchase = fields.Boolean(
        required=True,
        metadata={
            "description": "The author has a paid, shipped or delivered order of this product.",
        },
    )
    created_at = fields.DateTime(required=True)
