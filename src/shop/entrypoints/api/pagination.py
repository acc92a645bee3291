"""The X-Pagination header with the 10,000 window (API.md "pagination"): totals are exact up
to MAX_WINDOW matches; beyond, `total` is MAX_WINDOW and `total_relation` is "gte"."""

from __future__ import annotations

from typing import Any

from flask_smorest.pagination import PaginationMetadataSchema
from marshmallow import fields

from shop.services.common import MAX_WINDOW

EXACT, AT_LEAST = "eq", "gte"


class WindowedPaginationSchema(PaginationMetadataSchema):  # type: ignore[misc]
    total = fields.Int(
        metadata={"description": f"Number of matches, exact up to {MAX_WINDOW}; then {MAX_WINDOW}."}
    )
    total_relation = fields.Str(
        metadata={
            "description": f'"eq" when `total` is exact, "gte" when more than {MAX_WINDOW} match. '
            f"Pages stop at match {MAX_WINDOW}: page * page_size > {MAX_WINDOW} is 422.",
            "enum": [EXACT, AT_LEAST],
        }
    )


WINDOWED_PAGINATION_HEADER = {
    "description": "Pagination metadata (JSON)",
    "schema": WindowedPaginationSchema,
}


def windowed_pagination_metadata(page: int, page_size: int, item_count: int) -> dict[str, Any]:
    """flask-smorest's metadata for at most MAX_WINDOW items, with the total's relation.

    The same keys as `PaginationMixin._make_pagination_metadata`, built without dumping
    them through a new PaginationMetadataSchema at each request (they are already ints).
    """
    total = min(item_count, MAX_WINDOW)
    metadata: dict[str, Any] = {"total": total}
    last_page = (total - 1) // page_size + 1 if total else 0
    metadata["total_pages"] = last_page
    if total:
        metadata["first_page"], metadata["last_page"] = 1, last_page
        if page <= last_page:
            metadata["page"] = page
            if page > 1:
                metadata["previous_page"] = page - 1
            if page < last_page:
                metadata["next_page"] = page + 1
    metadata["total_relation"] = AT_LEAST if item_count > MAX_WINDOW else EXACT
    return metadata
