"""The product list's query string, parsed into the ProductSearch it asks for."""

from __future__ import annotations

from typing import Any

from marshmallow import (
    EXCLUDE,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

from shop.domain.catalog.rules import MAX_SLUG_LENGTH
from shop.domain.reviews.reviews import MAX_RATING, MIN_RATING
from shop.entrypoints.api.catalog.fields import money_in
from shop.entrypoints.api.schemas import ShopSchema
from shop.services.catalog.ports import DEFAULT_PRODUCT_SORT, PRODUCT_SORTS, ProductSearch

MAX_ATTR_FILTERS = 10


def _attr_filter(value: str) -> None:
    name, sep, wanted = value.partition(":")
    if not sep or not name.strip() or not wanted.strip():
        raise ValidationError("Use Name:Value, e.g. Color:Blue.")


class ProductQuerySchema(ShopSchema):
    """Query parameters of the product list (page and page_size are parsed by the pager)."""

    class Meta:
        unknown = EXCLUDE

    q = fields.String(
        validate=validate.Length(max=200),
        metadata={"description": "Case-insensitive match on name, description or any SKU."},
    )
    category = fields.String(
        validate=validate.Length(max=MAX_SLUG_LENGTH), metadata={"description": "Category slug."}
    )
    # Examples Swagger UI pre-fills: together they match products of the demo catalog.
    min_price = money_in(example="100.00")
    max_price = money_in(example="2000.00")
    attr = fields.List(
        fields.String(validate=[validate.Length(max=121), _attr_filter]),
        validate=validate.Length(max=MAX_ATTR_FILTERS),
        metadata={
            "description": "Repeatable Name:Value; one variant must have them all.",
            "example": ["Color:Black", "Memory:256GB"],
        },
    )
    in_stock = fields.Boolean(
        metadata={
            "description": "true: an active variant has stock; false: none has.",
        }
    )
    min_rating = fields.Float(
        allow_nan=False,
        validate=validate.Range(min=MIN_RATING, max=MAX_RATING),
        metadata={"description": "Products whose average rating is at least this (1..5)."},
    )
    sort = fields.String(
        load_default=DEFAULT_PRODUCT_SORT,
        validate=validate.OneOf(PRODUCT_SORTS),
        metadata={
            "description": "name, created_at, price (lowest active variant price) or rating "
            "(average); `-` in front for descending. Unpriced and unrated products come last.",
        },
    )

    @validates_schema
    def _price_range(self, data: dict[str, Any], **kwargs: Any) -> None:
        low, high = data.get("min_price"), data.get("max_price")
        if low is not None and high is not None and low > high:
            raise ValidationError("Must not exceed max_price.", "min_price")

    @post_load
    def _search(self, data: dict[str, Any], **kwargs: Any) -> ProductSearch:
        """The public search these parameters ask for (the view decides about inactive ones)."""
        pairs = []
        for item in data.get("attr") or []:
            name, _, value = item.partition(":")
            pairs.append((name.strip(), value.strip()))
        return ProductSearch(
            q=(data.get("q") or "").strip() or None,
            category=data.get("category"),
            min_price=data.get("min_price"),
            max_price=data.get("max_price"),
            attributes=tuple(pairs),
            in_stock=data.get("in_stock"),
            min_rating=data.get("min_rating"),
            sort=data["sort"],
        )
